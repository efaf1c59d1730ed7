"""The protection of denouncers, one function per step (Law on Denunciations 25/2018/QH14 Chapter VI,
Decree 31/2019/NĐ-CP Arts 7–8). Each step locks the case, asks ``permissions`` and ``rules``,
writes the rows, files its document in the protection file (Art 55(2)), records the notices owed to
the protected people, keeps the T14/T15 deadline and appends an *internal* CaseEvent that names no
one (counts and codes only). Nothing here reaches a citizen-visible event, the search index, a
notification or a log line.

Time limit. Art 51(1) says the resolver acts "kịp thời" (promptly) and Decree 31/2019 Art 7(2) "ngay
lập tức" (at once) when urgent; neither sets a number. The rule table (T14, T15) counts 03 working
days, the limit Circular 145/2020/TT-BCA Art 5(3)–(4) sets for the police's decision or refusal, and
01 working day for an urgent request: an inspectorate's practice built on that text, noted as such in
``cases/data/deadline_rules.toml``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import deadline_services as dl
from .. import rules as case_rules
from ..actors import Actor, history_user, stamp
from ..errors import PermissionDeniedError, ValidationError
from ..models import Case, CaseEvent, IdentityAccessLog, Party
from ..services.base import STATE, lock, record, save
from ..services.identity import _timeline_event
from . import permissions, rules
from .models import (
    Channel,
    ProtectedPerson,
    ProtectionDocument,
    ProtectionNotice,
    ProtectionRequest,
    Relation,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = ProtectionRequest.Status
Doc = ProtectionDocument.Kind
Notice = ProtectionNotice.Kind
# Deadline.end_reason of a T14/T15 still open when the case ends (not "met": nobody decided it).
CASE_ENDED = "case_ended"


@dataclass(frozen=True)
class PersonInput:
    """Someone to protect (Art 47(1)). For the denouncer leave the name empty: it is the case's
    own party."""

    relation: str
    full_name: str = ""
    address: str = ""
    phone: str = ""


def _check(verdict: case_rules.Verdict, field: str | None = None) -> None:
    if not verdict:
        raise ValidationError(
            verdict.reason, field_errors={field: [verdict.reason]} if field else None, code=STATE
        )


def _allow(verdict: case_rules.Verdict) -> None:
    if not verdict:
        raise PermissionDeniedError(verdict.reason, code="forbidden:protection")


def _staff(actor: Actor) -> User:
    """The staff user behind ``actor`` (the gates let no one else through)."""
    user = history_user(actor)
    if user is None:
        raise PermissionDeniedError(_("Cần đăng nhập bằng tài khoản cán bộ."), code="forbidden:protection")
    return user


def _text(field: str, value: str, *, required: bool = False, message=None) -> str:
    text = (value or "").strip()
    if required and not text:
        message = message or _("Trường này là bắt buộc.")
        raise ValidationError(message, field_errors={field: [message]})
    problem = case_rules.control_character_problem(text)
    if problem:
        raise ValidationError(problem, field_errors={field: [problem]})
    if len(text) > 5000:
        message = _("Nội dung quá dài (tối đa 5000 ký tự).")
        raise ValidationError(message, field_errors={field: [message]})
    return text


def _lock_request(request: ProtectionRequest) -> tuple[ProtectionRequest, Case]:
    case = lock(request.case_id)
    locked = ProtectionRequest.objects.select_for_update().get(pk=request.pk)
    locked.case = case
    return locked, case


def _save_request(request: ProtectionRequest, actor: Actor, reason: str) -> None:
    stamp(request, actor, reason)
    request.save()


def _document(
    request, actor, kind: str, dated: dt.date, *, number: str = "", summary: str = ""
) -> ProtectionDocument:
    return ProtectionDocument.objects.create(
        request=request,
        kind=kind,
        dated=dated,
        number=number[:60],
        summary=summary,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _notices(request: ProtectionRequest, kind: str, *, denouncer_only: bool = False) -> int:
    persons = list(request.persons.all())
    if denouncer_only:
        persons = [p for p in persons if p.relation == Relation.DENOUNCER] or persons[:1]
    ProtectionNotice.objects.bulk_create(
        ProtectionNotice(request=request, person=p, kind=kind) for p in persons
    )
    return len(persons)


def _event(case: Case, kind: str, actor: Actor, request: ProtectionRequest, **data: Any) -> CaseEvent:
    """An internal event naming no one: the request's number, codes and counts."""
    return record(case, kind, actor, data={"protection": f"BV-{request.pk}", **data})


def _complete_deadline(case: Case, request: ProtectionRequest) -> None:
    if request.deadline_id:
        dl.deadlines_complete(case, [rules.REQUEST_RULE, rules.URGENT_RULE], ids=[request.deadline_id])


def _today() -> dt.date:
    return timezone.localdate()


def _denouncer(case: Case) -> Party | None:
    return case.parties.order_by("position").first()


# ------------------------------------------------------------------------------------ request


@transaction.atomic
def protection_request_record(
    *,
    case: Case,
    actor: Actor,
    channel: str,
    requested_on: dt.date,
    reasons: str,
    measures: Sequence[str],
    persons: Sequence[PersonInput],
    urgent: bool = False,
    signed: bool = False,
    received_at: dt.datetime | None = None,
) -> ProtectionRequest:
    """Take a request for protection (Law on Denunciations 2018 Art 50): in writing with its date,
    the names and addresses of the denouncer and of the people to protect, the reasons and content,
    and the denouncer's signature or thumbprint (Art 50(2)); or, when urgent, in person or by phone,
    then put in writing (Art 50(3)). Only the denouncer and their spouse, natural and adoptive
    parents and natural and adopted children are protected (Art 47(1)). Opens T14 (T15 if urgent)."""
    case = lock(case)
    _allow(permissions.can_receive(actor, case))
    _check(rules.can_request(case))
    measures = rules.clean_measures(measures)
    relations = [p.relation for p in persons]
    problem = rules.request_form_problem(
        channel=channel, urgent=urgent, signed=signed, measures=measures, relations=relations
    )
    if problem:
        raise ValidationError(problem)
    reasons = _text(
        "reasons", reasons, required=True, message=_("Nêu lý do đề nghị bảo vệ (Điều 50 khoản 2 điểm c).")
    )
    received_at = received_at or timezone.now()
    if requested_on > timezone.localdate(received_at):
        message = _("Ngày đề nghị không thể sau ngày tiếp nhận.")
        raise ValidationError(message, field_errors={"requested_on": [message]})
    denouncer = _denouncer(case)
    request = ProtectionRequest(
        case=case,
        channel=channel,
        urgent=urgent or channel != Channel.WRITTEN,
        requested_on=requested_on,
        received_at=received_at,
        reasons=reasons,
        measures_requested=measures,
        signed=signed,
        handler=_staff(actor),
    )
    _save_request(request, actor, "protection requested")
    for position, person in enumerate(persons):
        if person.relation == Relation.DENOUNCER:
            if denouncer is None:
                raise ValidationError(
                    _("Tố cáo không có thông tin người tố cáo (tố cáo nặc danh không được bảo vệ).")
                )
            row = ProtectedPerson(
                request=request,
                relation=person.relation,
                party=denouncer,
                full_name=denouncer.full_name,
                address=denouncer.address,
                phone=denouncer.phone,
                position=position,
            )
        else:
            name = _text(
                "full_name",
                person.full_name,
                required=True,
                message=_("Nêu họ tên người cần được bảo vệ (Điều 50 khoản 2 điểm b)."),
            )
            row = ProtectedPerson(
                request=request,
                relation=person.relation,
                full_name=name,
                address=_text("address", person.address),
                phone=_text("phone", person.phone),
                position=position,
            )
        stamp(row, actor, "protected person")
        row.save()
    day = timezone.localdate(received_at)
    if channel == Channel.WRITTEN:
        _document(request, actor, Doc.REQUEST, requested_on, summary=reasons)
    else:
        _document(
            request,
            actor,
            Doc.OTHER,
            day,
            summary=str(
                _("Ghi nhận đề nghị khẩn cấp (%(channel)s).") % {"channel": request.get_channel_display()}
            ),
        )
    code = rules.URGENT_RULE if request.urgent else rules.REQUEST_RULE
    started = dl.deadlines_start(case, [code], trigger=day)
    if started:
        request.deadline = started[0]
        request.save(update_fields=["deadline"])
    event = _event(
        case,
        "protection.requested",
        actor,
        request,
        channel=channel,
        urgent=request.urgent,
        measures=measures,
        relations=relations,
    )
    save(case, actor, "protection requested", [], [event])
    return request


@transaction.atomic
def protection_request_confirm(
    *, request: ProtectionRequest, actor: Actor, confirmed_on: dt.date, signed: bool
) -> ProtectionRequest:
    """File the written form of an urgent request made in person or by phone (Art 50(3)), signed or
    thumb-printed by the denouncer (Art 50(2)(d))."""
    request, case = _lock_request(request)
    _allow(permissions.can_keep_file(actor, request))
    _check(rules.can_confirm(request))
    if not signed:
        message = _(
            "Văn bản phải có chữ ký hoặc điểm chỉ của người tố cáo "
            "(Luật Tố cáo 2018, Điều 50 khoản 2 điểm d)."
        )
        raise ValidationError(message, field_errors={"signed": [message]})
    request.confirmed_on, request.signed = confirmed_on, True
    _save_request(request, actor, "urgent request confirmed in writing")
    _document(request, actor, Doc.CONFIRMATION, confirmed_on)
    event = _event(case, "protection.confirmed", actor, request)
    save(case, actor, "protection request confirmed", [], [event])
    return request


# ----------------------------------------------------------------------------------- decision


def _decision_fields(basis: str, starts_on: dt.date | None, responsibilities: str) -> tuple[str, str]:
    basis = _text(
        "basis",
        basis,
        required=True,
        message=_("Nêu căn cứ ra quyết định (Luật Tố cáo 2018, Điều 52 khoản 2 điểm b)."),
    )
    responsibilities = _text(
        "responsibilities",
        responsibilities,
        required=True,
        message=_(
            "Nêu trách nhiệm của cơ quan, tổ chức, cá nhân thực hiện "
            "(Luật Tố cáo 2018, Điều 52 khoản 2 điểm d)."
        ),
    )
    if starts_on is None:
        message = _(
            "Nêu thời điểm bắt đầu thực hiện biện pháp bảo vệ (Luật Tố cáo 2018, Điều 52 khoản 2 điểm đ)."
        )
        raise ValidationError(message, field_errors={"starts_on": [message]})
    return basis, responsibilities


@transaction.atomic
def protection_apply(
    *,
    request: ProtectionRequest,
    actor: Actor,
    measures: Sequence[str],
    basis: str,
    responsibilities: str,
    starts_on: dt.date | None,
    decision_number: str = "",
    under_management: bool = False,
) -> ProtectionRequest:
    """The resolver's decision to apply protection within its own competence (Art 51(1), Art 49(1):
    confidentiality; the job or employment of a person under its management), with the content of
    Art 52(2), sent to every protected person (Art 52(3))."""
    request, case = _lock_request(request)
    _allow(permissions.can_decide(actor, case))
    _check(rules.can_decide(request))
    measures = rules.clean_measures(measures)
    problem = rules.apply_problem(measures, under_management=under_management)
    if problem:
        raise ValidationError(problem, field_errors={"measures": [problem]})
    basis, responsibilities = _decision_fields(basis, starts_on, responsibilities)
    request.status, request.decided_at, request.decided_by = Status.APPLIED, timezone.now(), _staff(actor)
    request.measures_applied, request.decision_basis = measures, basis
    request.responsibilities, request.starts_on = responsibilities, starts_on
    request.decision_number = _text("decision_number", decision_number)[:60]
    _save_request(request, actor, "protection applied")
    _document(request, actor, Doc.DECISION, _today(), number=request.decision_number, summary=basis)
    sent = _notices(request, Notice.DECISION)
    _complete_deadline(case, request)
    event = _event(case, "protection.applied", actor, request, measures=measures, notices=sent)
    save(case, actor, "protection applied", [], [event])
    return request


@transaction.atomic
def protection_refer(
    *,
    request: ProtectionRequest,
    actor: Actor,
    competent_body: str,
    measures: Sequence[str],
    basis: str,
    number: str = "",
) -> ProtectionRequest:
    """Ask the competent body to apply protection (Art 51(1); Art 49(3) the police for life, health,
    property, honour and dignity; Art 49(4) the managing body for a job; Decree 31/2019 Art 7). The
    body decides and answers in writing (Art 51(2); Decree 31/2019 Art 8)."""
    request, case = _lock_request(request)
    _allow(permissions.can_decide(actor, case))
    _check(rules.can_decide(request))
    body = _text(
        "competent_body",
        competent_body,
        required=True,
        message=_("Nêu cơ quan có thẩm quyền được đề nghị (Điều 51 khoản 1)."),
    )
    measures = rules.clean_measures(measures)
    if not measures:
        message = _("Chọn biện pháp đề nghị áp dụng (Luật Tố cáo 2018, Điều 51 khoản 1).")
        raise ValidationError(message, field_errors={"measures": [message]})
    basis = _text("basis", basis, required=True, message=_("Nêu căn cứ, lý do đề nghị (Điều 51 khoản 1)."))
    request.status, request.decided_at, request.decided_by = Status.REFERRED, timezone.now(), _staff(actor)
    request.competent_body, request.measures_applied, request.decision_basis = body[:255], measures, basis
    request.decision_number = _text("number", number)[:60]
    _save_request(request, actor, "protection referred to the competent body")
    _document(
        request, actor, Doc.REFERRAL, _today(), number=request.decision_number, summary=f"{body}: {basis}"
    )
    sent = _notices(request, Notice.REFERRAL, denouncer_only=True)
    _complete_deadline(case, request)
    event = _event(case, "protection.referred", actor, request, measures=measures, notices=sent)
    save(case, actor, "protection referred", [], [event])
    return request


@transaction.atomic
def protection_refuse(
    *, request: ProtectionRequest, actor: Actor, reasons: str, number: str = ""
) -> ProtectionRequest:
    """Not apply protection because the request has no grounds or protection is not needed: a
    written notice with the reasons to the denouncer (Art 51(3))."""
    request, case = _lock_request(request)
    _allow(permissions.can_decide(actor, case))
    _check(rules.can_decide(request))
    reasons = _text(
        "reasons",
        reasons,
        required=True,
        message=_(
            "Thông báo không áp dụng biện pháp bảo vệ phải nêu rõ lý do (Luật Tố cáo 2018, Điều 51 khoản 3)."
        ),
    )
    request.status, request.decided_at, request.decided_by = Status.REFUSED, timezone.now(), _staff(actor)
    request.refusal_reasons = reasons
    request.decision_number = _text("number", number)[:60]
    _save_request(request, actor, "protection refused")
    _document(request, actor, Doc.REFUSAL, _today(), number=request.decision_number, summary=reasons)
    sent = _notices(request, Notice.REFUSAL, denouncer_only=True)
    _complete_deadline(case, request)
    event = _event(case, "protection.refused", actor, request, notices=sent)
    save(case, actor, "protection refused", [], [event])
    return request


@transaction.atomic
def protection_body_answer(
    *,
    request: ProtectionRequest,
    actor: Actor,
    applied: bool,
    dated: dt.date,
    number: str = "",
    measures: Sequence[str] = (),
    starts_on: dt.date | None = None,
    reasons: str = "",
) -> ProtectionRequest:
    """Record the competent body's written answer (Art 51(2)–(3); Decree 31/2019 Art 8): its
    decision to apply protection, or its refusal with reasons, which the resolver explains to the
    denouncer (Art 51(3))."""
    request, case = _lock_request(request)
    _allow(permissions.can_decide(actor, case))
    _check(rules.can_record_body_answer(request))
    number = _text("number", number)[:60]
    if applied:
        measures = rules.clean_measures(measures) or list(request.measures_applied)
        if starts_on is None:
            message = _(
                "Nêu thời điểm bắt đầu thực hiện biện pháp bảo vệ (Luật Tố cáo 2018, Điều 52 khoản 2 điểm đ)."
            )
            raise ValidationError(message, field_errors={"starts_on": [message]})
        request.status, request.applied_by_body = Status.APPLIED, True
        request.measures_applied, request.starts_on = measures, starts_on
        kind = Notice.DECISION
    else:
        reasons = _text(
            "reasons",
            reasons,
            required=True,
            message=_(
                "Ghi rõ lý do cơ quan có thẩm quyền không áp dụng (Luật Tố cáo 2018, Điều 51 khoản 3)."
            ),
        )
        request.status, request.refusal_reasons = Status.REFUSED, reasons
        kind = Notice.REFUSAL
    _save_request(request, actor, "competent body answered")
    _document(request, actor, Doc.BODY_ANSWER, dated, number=number, summary=reasons)
    # A body's decision is sent to the protected people by the body itself (Art 52(3)); the resolver
    # explains a refusal to the denouncer (Art 51(3)).
    sent = _notices(request, kind, denouncer_only=True) if not applied else 0
    event = _event(case, "protection.body_answered", actor, request, applied=applied, notices=sent)
    save(case, actor, "protection: competent body answered", [], [event])
    return request


# -------------------------------------------------------------------------------- change, end


@transaction.atomic
def protection_change(
    *,
    request: ProtectionRequest,
    actor: Actor,
    measures: Sequence[str],
    basis: str,
    number: str = "",
    on_request_dated: dt.date | None = None,
    under_management: bool = False,
) -> ProtectionRequest:
    """Change or add to the measures in force (Art 54(1)), of the body's own motion or on the
    protected person's written request (``on_request_dated``, filed under Art 55(2)(d)); the
    decision goes to every protected person (Art 54(3))."""
    request, case = _lock_request(request)
    _allow(permissions.can_decide(actor, case))
    _check(rules.can_change(request))
    measures = rules.clean_measures(measures)
    if not request.applied_by_body:
        problem = rules.apply_problem(measures, under_management=under_management)
        if problem:
            raise ValidationError(problem, field_errors={"measures": [problem]})
    elif not measures:
        message = _("Chọn biện pháp bảo vệ (Luật Tố cáo 2018, Điều 52 khoản 2 điểm d).")
        raise ValidationError(message, field_errors={"measures": [message]})
    if measures == list(request.measures_applied):
        message = _("Biện pháp bảo vệ không thay đổi (Luật Tố cáo 2018, Điều 54 khoản 1).")
        raise ValidationError(message, field_errors={"measures": [message]})
    basis = _text(
        "basis",
        basis,
        required=True,
        message=_("Nêu căn cứ thay đổi, bổ sung (Luật Tố cáo 2018, Điều 54 khoản 1)."),
    )
    before = set(request.measures_applied)
    request.measures_applied = measures
    _save_request(request, actor, "protection changed")
    if on_request_dated is not None:
        _document(request, actor, Doc.CHANGE_REQUEST, on_request_dated)
    _document(
        request, actor, Doc.CHANGE_DECISION, _today(), number=_text("number", number)[:60], summary=basis
    )
    sent = _notices(request, Notice.CHANGE)
    event = _event(
        case,
        "protection.changed",
        actor,
        request,
        added=sorted(set(measures) - before),
        removed=sorted(before - set(measures)),
        notices=sent,
    )
    save(case, actor, "protection changed", [], [event])
    return request


@transaction.atomic
def protection_end(
    *,
    request: ProtectionRequest,
    actor: Actor,
    ground: str,
    note: str = "",
    number: str = "",
    on_request_dated: dt.date | None = None,
) -> ProtectionRequest:
    """End protection by decision when its grounds no longer exist or on the protected person's
    written request (Art 54(2)(b)); from 1/7/2026 also when the protected person deliberately breaches
    their duties (Law 136/2025/QH15 [secondary source]). The decision goes to every protected person
    (Art 54(3))."""
    request, case = _lock_request(request)
    _allow(permissions.can_decide(actor, case))
    _check(rules.can_end(request, ground, _today()), "ground")
    if ground == ProtectionRequest.EndGround.ON_REQUEST and on_request_dated is None:
        message = _(
            "Cần văn bản đề nghị chấm dứt của người được bảo vệ (Luật Tố cáo 2018, Điều 54 khoản 2 điểm b)."
        )
        raise ValidationError(message, field_errors={"on_request_dated": [message]})
    note = _text("note", note)
    request.status, request.ended_at, request.end_ground, request.end_note = (
        Status.ENDED,
        timezone.now(),
        ground,
        note,
    )
    _save_request(request, actor, f"protection ended: {ground}")
    if on_request_dated is not None:
        _document(request, actor, Doc.CHANGE_REQUEST, on_request_dated)
    _document(request, actor, Doc.END_DECISION, _today(), number=_text("number", number)[:60], summary=note)
    sent = _notices(request, Notice.END)
    event = _event(case, "protection.ended", actor, request, ground=ground, notices=sent)
    save(case, actor, "protection ended", [], [event])
    return request


def protection_end_for_case(*, case: Case, actor: Actor, ground: str) -> list[CaseEvent]:
    """Every open protection of ``case`` ends when the resolver issues the conclusion or the decision
    ending the resolution (Art 54(2)(a)); each protected person is notified (Art 54(3)), and the
    competent body a request went to is told at once (Circular 145/2020/TT-BCA Art 8(2)). Called by
    ``case_conclude`` and ``case_terminate`` inside their transaction, on their locked case, before
    they save it; returns the events to save with it."""
    events = []
    requests = ProtectionRequest.objects.select_for_update().filter(case=case, status__in=rules.OPEN_STATUSES)
    for request in requests:
        was = request.status
        request.status, request.ended_at, request.end_ground = Status.ENDED, timezone.now(), ground
        _save_request(request, actor, f"protection ended with the case: {ground}")
        summary = str(ProtectionRequest.EndGround(ground).label)
        if was == Status.REFERRED and request.competent_body:
            summary += " — " + str(_("đã thông báo cho cơ quan có thẩm quyền được đề nghị"))
        _document(request, actor, Doc.END_DECISION, _today(), summary=summary)
        if request.deadline_id:
            dl.deadlines_end(case, CASE_ENDED, [rules.REQUEST_RULE, rules.URGENT_RULE])
        sent = _notices(request, Notice.END)
        events.append(
            _event(case, "protection.ended", actor, request, ground=ground, automatic=True, notices=sent)
        )
    return events


# ------------------------------------------------------------------------------------- the file


MANUAL_DOCUMENTS = (Doc.VERIFICATION, Doc.COORDINATION, Doc.REPORT, Doc.OTHER)


@transaction.atomic
def protection_document_add(
    *,
    request: ProtectionRequest,
    actor: Actor,
    kind: str,
    dated: dt.date,
    number: str = "",
    summary: str = "",
) -> ProtectionDocument:
    """File a document in the protection file (Art 53(1)(b); content per Art 55(2)): the verification
    of the request (b), requests for coordination (e), reports on the measures (g), others (i). The
    steps above file their own documents."""
    request, case = _lock_request(request)
    _allow(permissions.can_keep_file(actor, request))
    if kind not in MANUAL_DOCUMENTS:
        message = _("Chọn loại tài liệu của hồ sơ bảo vệ (Luật Tố cáo 2018, Điều 55 khoản 2).")
        raise ValidationError(message, field_errors={"kind": [message]})
    document = _document(
        request, actor, kind, dated, number=_text("number", number), summary=_text("summary", summary)
    )
    event = _event(case, "protection.document_added", actor, request, document=kind)
    save(case, actor, "protection file: document added", [], [event])
    return document


@transaction.atomic
def protection_notice_sent(
    *, notice: ProtectionNotice, actor: Actor, channel: str, sent_at: dt.datetime | None = None
) -> ProtectionNotice:
    """Record that a decision, change, end or refusal was sent to the protected person (Arts 51(3),
    52(3), 54(3)). Sent by hand or by post, never through the case's notifications (an e-mail or SMS
    could reach someone who must not learn of the protection, Art 48(2)(b))."""
    request, case = _lock_request(notice.request)
    _allow(permissions.can_keep_file(actor, request))
    notice = ProtectionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.sent_at is not None:
        raise ValidationError(_("Thông báo này đã được ghi nhận gửi."), code=STATE)
    if channel not in ProtectionNotice.SendChannel.values:
        message = _("Chọn hình thức gửi.")
        raise ValidationError(message, field_errors={"channel": [message]})
    notice.sent_at, notice.sent_channel, notice.sent_by = sent_at or timezone.now(), channel, _staff(actor)
    notice.save(update_fields=["sent_at", "sent_channel", "sent_by"])
    event = _event(case, "protection.notice_sent", actor, request, notice=notice.kind, channel=channel)
    save(case, actor, "protection notice sent", [], [event])
    return notice


# ------------------------------------------------------------------------------- identity read


@transaction.atomic
def protection_identity_read(*, user: User, request: ProtectionRequest, reason: str) -> list[dict[str, str]]:
    """Who the protected people are, for a user with a need to know (``permissions.can_read_identity``:
    never a superuser or an administrator as such), with a stated reason (Arts 8(3), 56). Every read
    writes an access-log row and an internal event on the case's timeline (``protection.identity_read``)."""
    verdict = permissions.can_read_identity(user, request)
    if not verdict:
        raise PermissionDeniedError(verdict.reason, code="forbidden:protection_identity")
    reason = (reason or "").strip()
    problem = case_rules.control_character_problem(reason)
    if problem:
        raise ValidationError(problem, field_errors={"reason": [problem]})
    if len(reason) < case_rules.REVEAL_REASON_MIN or len(reason) > case_rules.max_length("reveal_reason"):
        message = _("Nêu lý do xem nhân thân (từ %(min)s đến %(max)s ký tự).") % {
            "min": case_rules.REVEAL_REASON_MIN,
            "max": case_rules.max_length("reveal_reason"),
        }
        raise ValidationError(message, field_errors={"reason": [message]})
    case = request.case
    persons = list(request.persons.select_related("party"))
    denouncer = next((p.party for p in persons if p.party_id), None)
    IdentityAccessLog.objects.create(
        user=user,
        case=case,
        party=denouncer,
        action=IdentityAccessLog.Action.REVEAL_IDENTITY,
        reason=f"BV-{request.pk}: {reason}",
    )
    _timeline_event(
        case,
        user,
        "protection.identity_read",
        {"protection": f"BV-{request.pk}", "reason": reason, "persons": len(persons)},
    )
    return [
        {
            "relation": str(p.get_relation_display()),
            "full_name": p.full_name,
            "address": p.address,
            "phone": p.phone,
        }
        for p in persons
    ]
