"""Writing to the outbox: what a case event queues, to whom, in which language, and only once."""

import json

import pytest
from django.conf import settings

from cases.models import Case, Party, Visibility
from notifications.models import Notification
from notifications.services import notification_enqueue, notify_case_event
from tests.factories import PartyFactory, UserFactory

from .conftest import append_event

pytestmark = pytest.mark.django_db


def test_citizen_event_queues_one_row_per_party_and_channel_in_the_party_language(complaint):
    case, party = complaint
    english = PartyFactory(case=case, position=1, language="en", phone="", email="second@example.vn")
    event = append_event(case, "case.accepted")

    rows = notify_case_event(case=case, event=event)

    got = {(n.party_id, n.channel, n.language) for n in rows}
    assert got == {(party.pk, "email", "vi"), (party.pk, "sms", "vi"), (english.pk, "email", "en")}
    for n in rows:
        assert n.status == Notification.Status.PENDING
        assert n.template == "case.accepted"
        assert n.dedupe_key == f"event:{event.hash}:party:{n.party_id}:{n.channel}"
        assert n.recipient_user is None and n.case == case
    # The address is stored for the send, but encrypted at rest like the rest of the identity.
    row = Notification.objects.get(party=party, channel="email")
    assert row.address == "an.nguyen@example.vn"
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT address, context::text FROM notifications_notification WHERE id = %s", [row.pk])
        raw_address, raw_context = cur.fetchone()
    assert raw_address.startswith("enc1:") and "an.nguyen" not in raw_address
    assert "Nguyễn Văn An" not in raw_context and party.national_id not in raw_context


def test_the_same_event_never_queues_twice(complaint):
    case, _party = complaint
    event = append_event(case, "case.received")
    first = notify_case_event(case=case, event=event)
    again = notify_case_event(case=case, event=event)
    assert len(first) == 2 and again == []
    assert Notification.objects.count() == 2


def test_enqueue_with_an_existing_dedupe_key_is_a_no_op(complaint):
    case, party = complaint
    kwargs = {
        "party": party,
        "channel": "email",
        "template": "case.accepted",
        "context": {"reference": case.reference},
    }
    first = notification_enqueue(dedupe_key="k1", **kwargs)
    second = notification_enqueue(dedupe_key="k1", **{**kwargs, "context": {"reference": "other"}})
    assert first is not None and second is None
    assert Notification.objects.get(dedupe_key="k1").context == {"reference": case.reference}


@pytest.mark.parametrize(
    ("kind", "visibility"),
    [
        ("case.accepted", Visibility.INTERNAL),  # not for the citizen
        ("case.note_added", Visibility.COMPLAINANT),  # visible, but no message for it
        ("case.verification_started", Visibility.INTERNAL),
    ],
)
def test_internal_or_unlisted_events_queue_nothing_for_citizens(complaint, kind, visibility):
    case, _party = complaint
    assert notify_case_event(case=case, event=append_event(case, kind, visibility=visibility)) == []


def test_opted_out_or_unreachable_parties_get_nothing(complaint):
    case, party = complaint
    party.notifications_opt_out = True
    party.save()
    PartyFactory(case=case, position=1, phone="", email="")
    assert notify_case_event(case=case, event=append_event(case, "case.accepted")) == []


def test_a_group_complaint_is_answered_through_its_representatives(complaint):
    case, _party = complaint
    rep = PartyFactory(
        case=case, position=1, is_representative=True, role=Party.Role.REPRESENTATIVE, phone=""
    )
    rows = notify_case_event(case=case, event=append_event(case, "case.accepted"))
    assert {n.party_id for n in rows} == {rep.pk}


def test_citizen_context_carries_the_reason_deadline_and_transfer_target(complaint):
    case, party = complaint
    case.reason_code = "R2"
    case.reason_text = "Không thuộc thẩm quyền"
    case.save()
    event = append_event(case, "case.rejected", data={"due_date": "2026-04-15"})
    notify_case_event(case=case, event=event)
    ctx = Notification.objects.get(party=party, channel="email").context
    assert ctx["reference"] == case.reference
    assert ctx["reason_text"] == "Không thuộc thẩm quyền" and ctx["reason_code"] == "R2"
    assert ctx["due_date"] == "15/04/2026"
    assert ctx["authority_vi"] == "Sở Xây dựng Hà Nội"
    # Nothing that identifies anybody, and never the access key's hash.
    flat = json.dumps(ctx, ensure_ascii=False)
    assert case.access_key_hash not in flat and "Nguyễn Văn An" not in flat


def test_assignment_tells_the_assignee_in_app_and_by_email(complaint):
    case, _party = complaint
    head = UserFactory(username="head1")
    inspector = UserFactory(username="insp1", email="insp1@example.gov.vn")
    case.assignee = inspector
    case.save()
    event = append_event(
        case, "case.assigned", visibility=Visibility.INTERNAL, data={"assignee_id": inspector.pk}, actor=head
    )
    rows = notify_case_event(case=case, event=event)
    assert {(n.recipient_user_id, n.channel) for n in rows} == {
        (inspector.pk, "inapp"),
        (inspector.pk, "email"),
    }
    ctx = rows[0].context
    assert ctx["reference"] == case.reference and ctx["subject"] == case.subject
    assert ctx["assigned_by"]


def test_self_assignment_and_staff_without_email(complaint):
    case, _party = complaint
    me = UserFactory(username="self", email="")
    event = append_event(
        case, "case.assigned", visibility=Visibility.INTERNAL, data={"assignee_id": me.pk}, actor=me
    )
    assert notify_case_event(case=case, event=event) == []
    other = UserFactory(username="noemail", email="")
    event = append_event(
        case, "case.assigned", visibility=Visibility.INTERNAL, data={"assignee_id": other.pk}
    )
    assert [n.channel for n in notify_case_event(case=case, event=event)] == ["inapp"]


def test_enqueue_refuses_bad_arguments(complaint):
    _case, party = complaint
    user = UserFactory()
    with pytest.raises(ValueError):
        notification_enqueue(channel="email", template="case.accepted", context={}, dedupe_key="x")
    with pytest.raises(ValueError):
        notification_enqueue(
            party=party, channel="inapp", template="case.accepted", context={}, dedupe_key="x"
        )
    with pytest.raises(ValueError):
        notification_enqueue(
            recipient_user=user, channel="email", template="nope", context={}, dedupe_key="x"
        )
    with pytest.raises(ValueError):
        notification_enqueue(
            recipient_user=user, channel="sms", template="case.stalled", context={}, dedupe_key="x"
        )
    assert Notification.objects.count() == 0


def test_the_row_is_sent_only_after_the_transaction_commits(
    complaint, outbox, sms_dir, django_capture_on_commit_callbacks
):
    case, _party = complaint
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notify_case_event(case=case, event=append_event(case, "case.accepted"))
    assert len(rows) == 2 and len(callbacks) == 1  # one hand-over to the broker for both rows
    assert outbox == [] and not sms_dir.exists()  # nothing left before commit
    for callback in callbacks:
        callback()
    assert len(outbox) == 1 and len(list(sms_dir.iterdir())) == 1
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_sent_email_has_the_links_headers_and_no_identity(
    complaint, outbox, sms_dir, django_capture_on_commit_callbacks
):
    case, _party = complaint
    with django_capture_on_commit_callbacks(execute=True):
        notify_case_event(case=case, event=append_event(case, "case.accepted"))
    (message,) = outbox
    assert message.to == ["an.nguyen@example.vn"]
    assert message.subject == f"Hồ sơ {case.reference} đã được thụ lý"
    assert "/tra-cuu/?ma=" + case.reference in message.body
    assert "/thong-bao/huy/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<" + settings.WAGTAILADMIN_BASE_URL)
    assert "Nguyễn Văn An" not in message.body
    (sms_file,) = sms_dir.iterdir()
    record = json.loads(sms_file.read_text())
    assert record["to"] == "0912345678" and case.reference in record["message"]
    n = Notification.objects.get(channel="email")
    assert n.attempts == 1 and n.sent_at and n.subject == message.subject and n.body == message.body


def test_an_opt_out_after_queueing_cancels_the_message(
    complaint, outbox, sms_dir, django_capture_on_commit_callbacks
):
    case, party = complaint
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_case_event(case=case, event=append_event(case, "case.accepted"))
    # The citizen stops the messages before the worker gets to them.
    party.notifications_opt_out = True
    party.save()
    for callback in callbacks:
        callback()
    assert outbox == []
    assert set(Notification.objects.values_list("status", flat=True)) == {"cancelled"}


def test_case_kind_labels_follow_the_language(complaint, outbox, django_capture_on_commit_callbacks, sms_dir):
    case, party = complaint
    party.language = "en"
    party.save()
    case.kind = Case.Kind.PETITION
    case.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify_case_event(case=case, event=append_event(case, "case.received"))
    assert "your petition" in outbox[0].body and outbox[0].subject.startswith("We received")
