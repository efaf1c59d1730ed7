"""Law on Denunciations 2018 Art 56: the denouncer's name, ID, address and contacts appear in no
message to staff (who have no identity permission by default), never reach the accused, and are not
stored in the outbox; matching ignores case and Vietnamese diacritics."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from cases.models import Role, Visibility
from notifications import redaction
from notifications.models import Notification
from notifications.services import (
    notification_daily_digest,
    notification_enqueue,
    notify_case_event,
    staff_case_context,
)
from tests.factories import MembershipFactory, PartyFactory, UserFactory

from .conftest import DENOUNCER, append_event

pytestmark = pytest.mark.django_db


def leaks(text: str) -> list[str]:
    """Which identity values (folded, and the phone's digits) occur in ``text``."""
    folded = redaction.fold(text)
    digits = "".join(ch for ch in text if ch.isdigit())
    found = [v for v in DENOUNCER.values() if redaction.fold(v) in folded]
    if "0987654321" in digits:
        found.append("phone digits")
    return found


def everything_stored_and_sent(outbox) -> list[str]:
    texts = []
    for n in Notification.objects.all():
        texts += [json.dumps(n.context, ensure_ascii=False), n.subject, n.body, n.last_error]
    for m in outbox:
        texts += [m.subject, m.body, json.dumps(m.extra_headers)]
    return texts


def test_redaction_is_case_and_accent_insensitive_and_catches_formatted_phones():
    needles = redaction.identity_needles([type("P", (), DENOUNCER)()])
    text = (
        "Ông TRAN THI BICH NGOC (đt 0987.654.321, bich.ngoc.tran@EXAMPLE.vn) "
        "ở Số 12 ngõ 45 phố Hàng Bông, phường Hoàn Kiếm, Hà Nội"
    )
    out = redaction.redact_text(text, needles)
    assert leaks(out) == []
    assert out.startswith("Ông [***] (đt [***], [***]) ở [***]")
    # Ordinary text is left alone.
    assert redaction.redact_text("Tố cáo cán bộ phường", needles) == "Tố cáo cán bộ phường"


def test_staff_messages_about_a_denunciation_never_carry_the_denouncer_identity(
    denunciation, outbox, sms_dir, django_capture_on_commit_callbacks
):
    case, _denouncer, _accused = denunciation
    inspector = UserFactory(username="verifier", email="verifier@example.gov.vn")
    head = UserFactory(username="head_tt", email="head@example.gov.vn")
    MembershipFactory(user=head, authority=case.authority, role=Role.HEAD_OF_UNIT)
    case.assignee = inspector
    case.next_due_at = timezone.now() - dt.timedelta(days=1)
    case.save()

    with django_capture_on_commit_callbacks(execute=True):
        notify_case_event(
            case=case,
            event=append_event(
                case, "case.assigned", visibility=Visibility.INTERNAL, data={"assignee_id": inspector.pk}
            ),
        )
        # What the escalation sweep will send, with the context it builds from the case.
        for template, user in (
            ("deadline.warning", inspector),
            ("deadline.breached", inspector),
            ("case.escalated", head),
        ):
            for channel in ("inapp", "email"):
                notification_enqueue(
                    recipient_user=user,
                    channel=channel,
                    template=template,
                    context={**staff_case_context(case=case), "note": case.description},
                    dedupe_key=f"{template}:{user.pk}:{channel}",
                    case=case,
                )
        notification_daily_digest()

    staff_rows = Notification.objects.filter(recipient_user__isnull=False)
    assert staff_rows.count() == 10
    assert set(staff_rows.values_list("status", flat=True)) == {"sent"}
    assert {n.template for n in staff_rows} == {
        "case.assigned",
        "deadline.warning",
        "deadline.breached",
        "case.escalated",
        "digest.daily",
    }
    for text in everything_stored_and_sent(outbox):
        assert leaks(text) == [], text
    # The reference and the rest of the subject still tell the staff member what the case is about.
    assigned = staff_rows.get(template="case.assigned", channel="email")
    assert case.reference in assigned.subject
    assert "tố cáo cán bộ phường nhận hối lộ" in assigned.body


def test_the_accused_official_gets_no_message_about_the_case(
    denunciation, outbox, django_capture_on_commit_callbacks
):
    case, _denouncer, accused = denunciation
    MembershipFactory(user=accused, authority=case.authority, role=Role.HEAD_OF_AGENCY)
    case.next_due_at = timezone.now() + dt.timedelta(days=1)
    case.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = notification_enqueue(
            recipient_user=accused,
            channel="email",
            template="deadline.warning",
            context=staff_case_context(case=case),
            dedupe_key="warn-accused",
            case=case,
        )
        event = append_event(
            case, "case.assigned", visibility=Visibility.INTERNAL, data={"assignee_id": accused.pk}
        )
        assigned = notify_case_event(case=case, event=event)
        digests = notification_daily_digest()
    assert result is None and assigned == [] and digests == []
    assert not Notification.objects.filter(recipient_user=accused).exists()
    assert outbox == []


def test_a_citizen_message_carries_no_other_party_identity(
    denunciation, outbox, sms_dir, django_capture_on_commit_callbacks
):
    case, _denouncer, _accused = denunciation
    co = PartyFactory(case=case, position=1, full_name="Phạm Minh Đức", email="duc@example.vn", phone="")
    with django_capture_on_commit_callbacks(execute=True):
        notify_case_event(case=case, event=append_event(case, "case.rejected"))
    to_co = next(m for m in outbox if m.to == ["duc@example.vn"])
    assert leaks(to_co.subject + to_co.body) == []
    to_denouncer = next(m for m in outbox if m.to == [DENOUNCER["email"]])
    assert "Phạm Minh Đức" not in to_denouncer.body and co.national_id not in to_denouncer.body
    assert to_denouncer.subject.startswith("Case ")  # the denouncer chose English
    # The reason quoted the denouncer by name: masked even in their own copy (no message needs it).
    assert "[***]" in to_denouncer.body
    assert leaks(to_denouncer.body) == []


def test_sms_and_stored_rows_keep_identity_out(denunciation, sms_dir, django_capture_on_commit_callbacks):
    case, _denouncer, _accused = denunciation
    with django_capture_on_commit_callbacks(execute=True):
        notify_case_event(case=case, event=append_event(case, "case.accepted"))
    (sms_file,) = sms_dir.iterdir()
    record = json.loads(sms_file.read_text())
    assert record["to"] == DENOUNCER["phone"]  # only the recipient's own number, as the address
    assert leaks(record["message"]) == []
    n = Notification.objects.get(channel="sms")
    assert str(n) == f"#{n.pk} case.accepted · sms · sent" and "0987" not in n.recipient_label()
