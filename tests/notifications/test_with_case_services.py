"""Through the real case services (which call ``notify_case_event`` inside their transaction): the
receipt, an assignment and a transfer produce the right messages, and a denouncer's identity stays
out of the handler's."""

import json

import pytest

from cases import services
from cases.actors import Citizen
from cases.models import Case
from notifications.models import Notification

from .test_confidentiality import leaks

pytestmark = pytest.mark.django_db


def _submit(world, kind="complaint", subject="Khiếu nại việc thu hồi đất", **party):
    person = {
        "full_name": "Trần Thị Bích Ngọc",
        "national_id": "079188001234",
        "address": "Số 12 ngõ 45 phố Hàng Bông, phường Hoàn Kiếm, Hà Nội",
        "phone": "0987654321",
        "email": "bich.ngoc.tran@example.vn",
        **party,
    }
    return services.case_submit(
        actor=Citizen.filing(),
        kind=kind,
        subject=subject,
        description="Nội dung đơn. Người viết: Trần Thị Bích Ngọc, điện thoại 0987654321.",
        parties=[services.PartyInput(**person)],
        authority=world.hn_sxd,
        contested_act="Quyết định 12/QĐ-UBND ngày 01/03/2026" if kind == "complaint" else "",
    )


def test_the_receipt_goes_out_after_intake_commits(
    world, outbox, sms_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = _submit(world)
    case = result.case
    rows = Notification.objects.filter(case=case)
    assert {(n.template, n.channel, n.status) for n in rows} == {
        ("case.received", "email", "sent"),
        ("case.received", "sms", "sent"),
    }
    (message,) = outbox
    assert message.to == ["bich.ngoc.tran@example.vn"]
    assert case.reference in message.subject
    assert "Sở Xây dựng Hà Nội" in message.body
    assert result.access_key in message.body  # the receipt: sent once, to the party's own address
    (sms_file,) = sms_dir.iterdir()
    assert result.access_key not in sms_file.read_text()  # the development file masks the key
    for n in rows:
        assert n.secrets_enc == "" and result.access_key not in n.subject + n.body


def test_assignment_of_a_denunciation_tells_the_handler_without_the_denouncer(
    world, outbox, sms_dir, django_capture_on_commit_callbacks
):
    result = _submit(world, kind="denunciation", subject="Bich Ngoc tố cáo cán bộ phường", language="en")
    inspector = world.user("inspector")
    inspector.email = "inspector@example.gov.vn"
    inspector.save()
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_assign(case=result.case, actor=world.user("head_of_unit"), assignee=inspector)
    staff = Notification.objects.filter(recipient_user=inspector)
    assert {(n.template, n.channel, n.status) for n in staff} == {
        ("case.assigned", "inapp", "sent"),
        ("case.assigned", "email", "sent"),
    }
    for n in staff:
        assert leaks(json.dumps(n.context, ensure_ascii=False) + n.subject + n.body) == []
        assert result.case.reference in n.subject
    (message,) = outbox
    assert message.to == ["inspector@example.gov.vn"] and leaks(message.body) == []


def test_a_transfer_names_the_receiving_body_in_the_citizen_language(
    world, outbox, sms_dir, django_capture_on_commit_callbacks
):
    # Only a denunciation is transferred (Law on Denunciations Art 24(2)); a complaint is guided.
    result = _submit(world, kind="denunciation", subject="Tố cáo cán bộ địa chính", language="en")
    world.hn_ward.name_en = "Hoan Kiem Ward People's Committee"
    world.hn_ward.save()
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transfer(case=result.case, actor=world.user("intake"), to_authority=world.hn_ward)
    assert Case.objects.get(pk=result.case.pk).status == "transferred"
    (message,) = outbox
    assert message.subject == f"Case {result.case.reference} was transferred to the competent authority"
    assert "Hoan Kiem Ward People's Committee" in message.body
