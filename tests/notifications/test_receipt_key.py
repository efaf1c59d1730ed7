"""The receipt (case reference and access key) goes once to each filing party's own e-mail/phone.
The key is kept only encrypted in the outbox until delivery, then wiped; it is never in clear in the
database, in a case event, in a log, in the stored copy of the text or in a staff message."""

import json
import logging

import pytest
from django.db import connection

from cases import services
from cases.actors import Citizen
from cases.crypto import decrypt
from cases.models import CaseEvent
from notifications.models import Notification
from notifications.services import (
    notification_enqueue,
    notification_send,
    notify_case_event,
    party_notifications_opt_out,
)

from .conftest import append_event, closed_port

pytestmark = pytest.mark.django_db


def submit(world, *, parties=None, **kw):
    defaults = {
        "kind": "complaint",
        "subject": "Khiếu nại việc thu hồi đất",
        "description": "Tôi không đồng ý với quyết định thu hồi đất số 12/QĐ-UBND.",
        "parties": parties
        or [
            services.PartyInput(
                full_name="Trần Thị Bình",
                national_id="001199012345",
                address="12 Hàng Bạc, Hoàn Kiếm, Hà Nội",
                phone="0987654321",
                email="binh.tran@example.vn",
            )
        ],
        "authority": world.hn_sxd,
        "contested_act": "Quyết định 12/QĐ-UBND ngày 01/03/2026",
    }
    defaults.update(kw)
    return services.case_submit(**{"actor": Citizen.filing(), **defaults})


def raw_rows(case_id: int) -> dict[int, str]:
    """Each outbox row of the case exactly as the database holds it (every column, as JSON text)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.id, row_to_json(n)::text FROM notifications_notification n WHERE n.case_id = %s",
            [case_id],
        )
        return dict(cursor.fetchall())


def raw_events(case_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(string_agg(row_to_json(e)::text, ' '), '') FROM cases_caseevent e "
            "WHERE e.case_id = %s",
            [case_id],
        )
        return cursor.fetchone()[0]


def test_the_receipt_carries_the_key_which_is_encrypted_until_sent_then_wiped(
    world, outbox, sms_dir, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        result = submit(world)
        key, case = result.access_key, result.case
        # Inside the transaction, before anything is sent: the rows hold the key only encrypted.
        pending = raw_rows(case.pk)
        rows = list(Notification.objects.filter(case=case))
    assert len(pending) == 2 and len(rows) == 2
    for text in pending.values():
        assert key not in text
        assert key.replace("-", "") not in text
    for n in rows:
        assert n.status == Notification.Status.PENDING
        assert n.secrets_enc.startswith("enc1:")
        assert json.loads(decrypt(n.secrets_enc)) == {"access_key": key}
        assert "access_key" not in n.context and key not in json.dumps(n.context)

    # Sent to the citizen's own address, with the key and the line telling them to keep it secret.
    (message,) = outbox
    assert message.to == ["binh.tran@example.vn"]
    assert case.reference in message.body and key in message.body
    assert "giữ bí mật" in message.body
    # The development SMS file masks the key (the message itself went to the gateway with it).
    (sms_file,) = sms_dir.iterdir()
    assert key not in sms_file.read_text() and "[mã bí mật]" in sms_file.read_text()

    # After delivery the outbox no longer holds the key, neither clear nor encrypted.
    for n in Notification.objects.filter(case=case):
        assert n.status == Notification.Status.SENT
        assert n.secrets_enc == ""
        assert key not in n.subject + n.body + n.last_error
    for pk, text in raw_rows(case.pk).items():
        assert key not in text
        assert pending[pk] != text
        assert json.loads(text)["secrets_enc"] == ""
    # Nor does any case event, nor a log line.
    assert key not in raw_events(case.pk)
    for event in CaseEvent.objects.filter(case=case):
        assert key not in json.dumps(event.data)
    assert key not in caplog.text


def test_each_party_of_a_group_gets_it_on_its_own_address(world, outbox, django_capture_on_commit_callbacks):
    parties = [
        services.PartyInput(full_name="Nguyễn Văn A", email="a@example.vn", is_representative=True),
        services.PartyInput(full_name="Lê Thị B", email="b@example.vn", is_representative=True),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        result = submit(world, parties=parties)
    assert sorted(m.to[0] for m in outbox) == ["a@example.vn", "b@example.vn"]
    assert all(len(m.to) == 1 and result.access_key in m.body for m in outbox)


def test_staff_messages_never_carry_the_key(world, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = submit(world)
    key, case = result.access_key, result.case
    inspector = world.user("inspector")
    inspector.email = "inspector@example.gov.vn"
    inspector.save()
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_assign(case=case, actor=world.user("head_of_unit"), assignee=inspector)
    staff = Notification.objects.filter(recipient_user=inspector)
    assert {n.channel for n in staff} == {"inapp", "email"}
    raw = raw_rows(case.pk)
    for n in staff:
        assert n.secrets_enc == "" and key not in raw[n.pk]
    (message,) = outbox
    assert message.to == ["inspector@example.gov.vn"] and key not in message.subject + message.body

    # Secrets handed with any other event are ignored; a staff row refuses them outright.
    event = append_event(case, "case.accepted")
    rows = notify_case_event(case=case, event=event, secrets={"access_key": key})
    assert rows and all(n.secrets_enc == "" for n in rows)
    with pytest.raises(ValueError):
        notification_enqueue(
            recipient_user=inspector,
            channel="inapp",
            template="case.assigned",
            context={"reference": case.reference},
            dedupe_key="test:staff-secret",
            case=case,
            secrets={"access_key": key},
        )


def test_a_party_who_opted_out_gets_nothing_and_the_key_is_wiped(
    world, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = submit(world)
    party = result.case.parties.get()
    party_notifications_opt_out(party=party)
    for callback in callbacks:
        callback()
    assert outbox == []
    for n in Notification.objects.filter(case=result.case):
        assert n.status == Notification.Status.CANCELLED and n.secrets_enc == ""


def test_a_message_that_finally_fails_keeps_no_key(world, settings, outbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 5
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    result = submit(world, parties=[services.PartyInput(full_name="Trần Thị Bình", email="b@example.vn")])
    (n,) = Notification.objects.filter(case=result.case)  # not committed: no task ran
    assert notification_send(notification_id=n.pk).status == "pending"
    n.refresh_from_db()
    assert n.secrets_enc.startswith("enc1:")  # kept for the retry
    assert notification_send(notification_id=n.pk).status == "failed"
    n.refresh_from_db()
    assert n.secrets_enc == ""
    assert result.access_key not in raw_rows(result.case.pk)[n.pk]
