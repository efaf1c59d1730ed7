"""Delivery of results: the recorded dispatch meets the sending limit (K7, K9, T6) at its time, per
recipient; a returned letter leaves the dispatch standing and a pending delivery; the figure "sent
on time" equals the list it counts; identity never reaches an event or the accused."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import reporting, services
from cases.delivery.models import Delivery
from cases.delivery.services import delivery_mark_received, delivery_mark_returned, delivery_record
from cases.errors import PermissionDeniedError, ValidationError
from cases.events import chain_verify
from cases.models import Attachment, Case, CaseEvent, Deadline, Role

from .conftest import decided

pytestmark = pytest.mark.django_db


def result_of(case):
    return Attachment.objects.filter(case=case, kind="decision").order_by("-pk").first()


def post(case, clerk, **kw):
    defaults = {
        "case": case,
        "actor": clerk,
        "attachment": result_of(case),
        "recipient_kind": "party",
        "party": case.parties.first(),
        "channel": "post",
        "postal_service": "vnpost",
        "tracking_number": "eb123456789vn",
    }
    defaults.update(kw)
    return delivery_record(**defaults)


def test_a_dispatch_by_post_meets_k7_at_its_time(world, decision_pdf, settings):
    settings.DOCUMENT_SIGNING = {"BACKEND": ""}
    case = decided(world, decision_pdf)
    k7 = Deadline.objects.get(case=case, rule_code="K7")
    assert k7.state == "open"
    clerk = world.user(Role.INTAKE)
    sent_at = timezone.now() - dt.timedelta(minutes=1)
    delivery = post(case, clerk, sent_at=sent_at)
    k7.refresh_from_db()
    assert (k7.state, k7.met_at, k7.missed) == ("met", sent_at, False)
    assert delivery.status == "sent" and delivery.tracking_number == "EB123456789VN"
    assert delivery.history.count() == 1
    event = CaseEvent.objects.get(case=case, kind="delivery.sent")
    assert event.visibility == "complainant"
    assert event.data["tracking_number"] == "EB123456789VN"
    # No name, no address in the event (they stay in the encrypted Party).
    assert "Bình" not in str(event.data) and "Hàng Bạc" not in str(event.data)
    assert chain_verify([case.pk]).ok
    assert Case.objects.get(pk=case.pk).next_due_at != k7.due_at


def test_post_needs_a_tracking_number_and_in_person_a_scanned_receipt(world, decision_pdf, settings):
    settings.DOCUMENT_SIGNING = {"BACKEND": ""}
    case = decided(world, decision_pdf)
    clerk = world.user(Role.INTAKE)
    with pytest.raises(ValidationError) as exc:
        post(case, clerk, tracking_number="")
    assert "tracking_number" in exc.value.field_errors
    with pytest.raises(ValidationError) as exc:
        post(case, clerk, channel="in_person")
    assert "proof" in exc.value.field_errors
    assert not Delivery.objects.filter(case=case).exists()
    receipt = services.FileInput(name="bien-nhan.pdf", content=decision_pdf, content_type="application/pdf")
    delivery = post(case, clerk, channel="in_person", proof=receipt)
    assert delivery.status == "delivered" and delivery.received_on == timezone.localdate()
    assert delivery.proof.visibility == "internal"


def test_the_inspector_and_other_agencies_may_not_record_deliveries(world, decision_pdf, settings):
    settings.DOCUMENT_SIGNING = {"BACKEND": ""}
    case = decided(world, decision_pdf)
    for user in (world.user(Role.INSPECTOR), world.user(Role.INTAKE, "hp"), world.user(Role.AUDITOR)):
        with pytest.raises(PermissionDeniedError):
            post(case, user)


def test_a_denunciation_needs_the_denouncer_and_the_accused_before_t6_is_met(world, decision_pdf, settings):
    settings.DOCUMENT_SIGNING = {"BACKEND": ""}
    case = decided(world, decision_pdf, kind="denunciation")
    clerk = world.user(Role.INTAKE)
    t6 = Deadline.objects.get(case=case, rule_code="T6")
    post(case, clerk)
    t6.refresh_from_db()
    assert t6.state == "open"  # the accused has not been sent the conclusion yet
    later = timezone.now()
    post(
        case,
        clerk,
        recipient_kind="accused",
        party=None,
        recipient_name="Ông Nguyễn Văn X",
        address="UBND phường Hoàn Kiếm",
        tracking_number="EB000000002VN",
        sent_at=later,
    )
    t6.refresh_from_db()
    assert (t6.state, t6.met_at) == ("met", later)
    accused_event = CaseEvent.objects.filter(case=case, kind="delivery.sent").order_by("-seq").first()
    assert accused_event.visibility == "internal"


def test_a_document_with_the_denouncers_identity_never_goes_to_the_accused(world, decision_pdf, settings):
    settings.DOCUMENT_SIGNING = {"BACKEND": ""}
    case = decided(world, decision_pdf, kind="denunciation")
    letter = services.attachment_add(
        case=case,
        actor=world.user(Role.HEAD_OF_UNIT),
        files=[
            services.FileInput(
                name="tb.pdf",
                content=decision_pdf,
                content_type="application/pdf",
                kind="notice",
                contains_identity=True,
            )
        ],
    )[0]
    with pytest.raises(ValidationError) as exc:
        post(
            case,
            world.user(Role.INTAKE),
            attachment=letter,
            recipient_kind="accused",
            party=None,
            recipient_name="X",
            address="Y",
        )
    assert "Điều 56" in exc.value.message


def test_a_returned_letter_keeps_the_dispatch_and_reopens_the_duty_to_deliver(world, decision_pdf, settings):
    settings.DOCUMENT_SIGNING = {"BACKEND": ""}
    case = decided(world, decision_pdf)
    clerk = world.user(Role.INTAKE)
    first = post(case, clerk)
    again = delivery_mark_returned(
        delivery=first, actor=clerk, returned_on=timezone.localdate(), reason="moved"
    )
    first.refresh_from_db()
    assert first.status == "returned" and first.return_reason == "moved"
    assert again.status == "pending" and again.retry_of == first and again.party == first.party
    k7 = Deadline.objects.get(case=case, rule_code="K7")
    assert k7.state == "met" and not k7.missed  # the sending was on time (decision 0008)
    from cases.delivery.selectors import daily_list, undelivered_q

    assert Case.objects.filter(undelivered_q()).filter(pk=case.pk).exists()
    assert again in daily_list(Case.objects.all(), timezone.localdate())["pending"]
    resent = post(case, clerk, pending=again, tracking_number="EB999999999VN")
    assert resent.pk == again.pk and resent.status == "sent"
    assert not Case.objects.filter(undelivered_q()).filter(pk=case.pk).exists()
    delivery_mark_received(delivery=resent, actor=clerk, received_on=timezone.localdate())
    resent.refresh_from_db()
    assert resent.status == "delivered"
    kinds = list(
        CaseEvent.objects.filter(case=case, kind__startswith="delivery.").values_list("kind", flat=True)
    )
    assert kinds == ["delivery.sent", "delivery.returned", "delivery.sent", "delivery.received"]


def test_sent_on_time_figure_equals_its_list(world, decision_pdf, settings):
    settings.DOCUMENT_SIGNING = {"BACKEND": ""}
    clerk = world.user(Role.INTAKE)
    on_time = decided(world, decision_pdf)
    post(on_time, clerk)
    late = decided(world, decision_pdf, number="16/QĐ-SXD")
    k7 = Deadline.objects.get(case=late, rule_code="K7")
    # The letter went out after the due time: met, late.
    Attachment.objects.filter(case=late)  # (documents were issued long before)
    sent = k7.due_at + dt.timedelta(hours=2)
    from config.bulk import bulk_writer

    with bulk_writer("test: backdate the issue"):
        Attachment.objects.filter(case=late).update(uploaded_at=sent - dt.timedelta(days=10))
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=sent + dt.timedelta(minutes=10)):
        post(late, clerk, sent_at=sent, tracking_number="EB000000003VN")
    unsent = decided(world, decision_pdf, number="17/QĐ-SXD")
    day = timezone.localdate(sent)
    start, end = min(timezone.localdate(), day) - dt.timedelta(days=1), max(timezone.localdate(), day)
    figure = reporting.sent_on_time_counts(Case.objects.all(), start, end)
    on_list = set(
        reporting.sent_on_time_cases(Case.objects.all(), start, end, "on_time").values_list("pk", flat=True)
    )
    late_list = set(
        reporting.sent_on_time_cases(Case.objects.all(), start, end, "late").values_list("pk", flat=True)
    )
    assert (figure.on_time, figure.late) == (len(on_list), len(late_list)) == (1, 1)
    assert on_list == {on_time.pk} and late_list == {late.pk}
    assert unsent.pk not in on_list | late_list


def test_the_citizen_is_told_on_the_channel_the_result_went_by(world, decision_pdf, settings):
    from notifications.models import Notification

    settings.DOCUMENT_SIGNING = {"BACKEND": ""}
    case = decided(world, decision_pdf)
    clerk = world.user(Role.INTAKE)
    post(case, clerk)
    rows = Notification.objects.filter(case=case, template="delivery.sent")
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "sms"]
    for row in rows:
        assert row.context["tracking_number"] == "EB123456789VN"
        assert "Bình" not in str(row.context) and "Hàng Bạc" not in str(row.context)
    receipt = services.FileInput(name="bien-nhan.pdf", content=decision_pdf, content_type="application/pdf")
    post(case, clerk, channel="in_person", proof=receipt)
    assert Notification.objects.filter(case=case, template="delivery.sent").count() == 2  # none for the desk
