"""The citizen's unsubscribe link, and the Wagtail admin inbox and failed-message list, each with and
without the permission."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cases.models import Role
from notifications.models import Notification
from notifications.rendering import unsubscribe_token
from notifications.services import notification_enqueue, notify_case_event
from notifications.wagtail_hooks import FailedMenuItem, InboxMenuItem
from tests.factories import MembershipFactory, UserFactory

from .conftest import append_event, grant_admin_access

pytestmark = pytest.mark.django_db


# --- unsubscribe -------------------------------------------------------------------------------


def test_unsubscribe_link_asks_then_stops_messages_and_cancels_pending_ones(client, complaint):
    case, party = complaint
    pending = notification_enqueue(
        party=party,
        channel="email",
        template="case.accepted",
        context={"reference": case.reference},
        dedupe_key="p",
    )
    url = reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(party.pk)})
    assert url.startswith("/thong-bao/huy/")

    page = client.get(url)
    assert page.status_code == 200
    assert case.reference in page.content.decode()
    assert "Nguyễn Văn An" not in page.content.decode()
    party.refresh_from_db()
    assert party.notifications_opt_out is False  # a GET (mail scanners follow links) changes nothing

    done = client.post(url)
    assert done.status_code == 200 and "Đã ngừng gửi thông báo" in done.content.decode()
    party.refresh_from_db()
    assert party.notifications_opt_out is True
    assert party.history.first().history_change_reason.startswith("notifications opt-out")
    pending.refresh_from_db()
    assert pending.status == Notification.Status.CANCELLED
    assert notify_case_event(case=case, event=append_event(case, "case.concluded")) == []


def test_a_forged_or_garbled_unsubscribe_link_is_not_found(client, complaint):
    _case, party = complaint
    mine = unsubscribe_token(party.pk).split(":")
    # Another party's payload under this party's signature.
    forged = ":".join([unsubscribe_token(party.pk + 1).split(":")[0], *mine[1:]])
    for bad in ("nonsense", forged, unsubscribe_token(987654)):
        assert client.post(f"/thong-bao/huy/{bad}/").status_code == 404
    party.refresh_from_db()
    assert party.notifications_opt_out is False


def test_one_click_unsubscribe_needs_no_csrf_token(complaint):
    from django.test import Client

    _case, party = complaint
    strict = Client(enforce_csrf_checks=True)
    url = reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(party.pk)})
    assert strict.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    party.refresh_from_db()
    assert party.notifications_opt_out is True


# --- the staff inbox ---------------------------------------------------------------------------


def _inapp(user, key, reference="HN-2026-000001", sent=True):
    n = notification_enqueue(
        recipient_user=user,
        channel="inapp",
        template="case.stalled",
        context={"reference": reference, "kind": "complaint", "subject": "Đất đai", "idle_days": 9},
        dedupe_key=key,
    )
    if sent:
        Notification.objects.filter(pk=n.pk).update(
            status="sent", sent_at=timezone.now(), subject=f"Hồ sơ {reference} không có hoạt động", body="x"
        )
    return n


def test_inbox_shows_only_my_messages_and_opening_one_marks_it_read(client):
    me = grant_admin_access(UserFactory(username="me"))
    other = grant_admin_access(UserFactory(username="other"))
    mine = _inapp(me, "a", "HN-2026-000001")
    _inapp(me, "b", "HN-2026-000002")
    theirs = _inapp(other, "c", "HN-2026-000099")
    client.force_login(me)

    page = client.get(reverse("notifications_admin:inbox"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "HN-2026-000001" in html and "HN-2026-000002" in html and "HN-2026-000099" not in html

    assert client.get(reverse("notifications_admin:inbox_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications_admin:inbox_detail", args=[mine.pk])).status_code == 200
    mine.refresh_from_db()
    assert mine.read_at is not None

    request = RequestFactory().get("/admin/")
    request.user = me
    item = InboxMenuItem("Hộp thư", "/admin/notifications/")
    assert item.render_component(request).label == "Hộp thư (1)"
    client.post(reverse("notifications_admin:inbox_mark_all_read"))
    assert item.render_component(request).label == "Hộp thư"


def test_inbox_renders_a_message_not_yet_delivered(client):
    me = grant_admin_access(UserFactory(username="me2"))
    n = _inapp(me, "pending", sent=False)
    client.force_login(me)
    html = client.get(reverse("notifications_admin:inbox_detail", args=[n.pk])).content.decode()
    assert "không có hoạt động" in html


def test_admin_pages_need_wagtail_access(client):
    client.force_login(UserFactory(username="noaccess"))
    assert client.get(reverse("notifications_admin:inbox")).status_code == 302


# --- failed messages ---------------------------------------------------------------------------


@pytest.fixture
def failed(complaint):
    case, party = complaint
    n = notification_enqueue(
        party=party,
        channel="email",
        template="case.accepted",
        context={"reference": case.reference},
        dedupe_key="f",
    )
    Notification.objects.filter(pk=n.pk).update(
        status="failed", attempts=5, last_error="SMTPServerDisconnected: x"
    )
    return n


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("inspector", False), ("head", False), ("administrator", True), ("superuser", True)],
)
def test_failed_list_and_resend_are_for_administrators(
    client, failed, outbox, django_capture_on_commit_callbacks, who, allowed
):
    user = grant_admin_access(UserFactory(username=who, is_superuser=(who == "superuser")))
    if who in ("inspector", "administrator"):
        MembershipFactory(user=user, role=Role.ADMINISTRATOR if who == "administrator" else Role.INSPECTOR)
    if who == "head":
        MembershipFactory(user=user, role=Role.HEAD_OF_AGENCY)
    client.force_login(user)

    listing = client.get(reverse("notifications_admin:failed"))
    request = RequestFactory().get("/admin/")
    request.user = user
    assert FailedMenuItem("Thông báo gửi lỗi", "/x/").is_shown(request) is allowed
    with django_capture_on_commit_callbacks(execute=True):
        resend = client.post(reverse("notifications_admin:failed_resend", args=[failed.pk]))
    failed.refresh_from_db()
    if allowed:
        assert listing.status_code == 200 and "SMTPServerDisconnected" in listing.content.decode()
        assert "Nguyễn Văn An" not in listing.content.decode() and "an.nguyen" not in listing.content.decode()
        assert resend.status_code == 302
        assert failed.status == "sent" and failed.resent_count == 1 and len(outbox) == 1
    else:
        # Wagtail turns PermissionDenied into a redirect to the dashboard with an error message.
        home = reverse("wagtailadmin_home")
        assert (listing.status_code, listing.url) == (302, home) and (resend.status_code, resend.url) == (
            302,
            home,
        )
        assert failed.status == "failed" and outbox == []


def test_failed_menu_label_counts_failures(failed):
    admin = UserFactory(username="su", is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = admin
    assert (
        FailedMenuItem("Thông báo gửi lỗi", "/x/").render_component(request).label == "Thông báo gửi lỗi (1)"
    )


def test_resend_of_a_message_that_is_not_failed_shows_an_error(client, complaint):
    case, party = complaint
    n = notification_enqueue(
        party=party,
        channel="email",
        template="case.accepted",
        context={"reference": case.reference},
        dedupe_key="s",
    )
    admin = grant_admin_access(UserFactory(username="su2", is_superuser=True))
    client.force_login(admin)
    response = client.post(reverse("notifications_admin:failed_resend", args=[n.pk]), follow=True)
    assert "only failed or unknown messages can be resent" in response.content.decode()
