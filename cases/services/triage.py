"""Triage (xử lý đơn): classify a letter, then accept it, refuse it with a statutory reason,
transfer it, guide the sender, or settle it as a duplicate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import deadline_services as dl
from .. import permissions, rules
from ..actors import Actor
from ..errors import ValidationError
from ..models import Authority, Case, Deadline, Visibility
from ..models import CaseKind as K
from ..models import CaseStatus as S
from ..reasons import REJECTION_REASONS
from .base import clean_text, local_today, lock, record, require_verdict, save, statutory_reason, transition

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def case_classify(
    *,
    case: Case,
    actor: Actor,
    kind: str | None = None,
    authority: Authority | None = None,
    complexity: str | None = None,
    remote_area: bool | None = None,
    accused_authority: Authority | None = None,
    accused_user: User | None = None,
    accused_name: str | None = None,
    discipline: bool | None = None,
    dismissal: bool | None = None,
    multi_site: bool | None = None,
    out_of_competence: bool | None = None,
    expected_version: int | None = None,
) -> Case:
    """Classify a letter (xử lý đơn; Circular 05/2021/TT-TTCP): kind, competent authority,
    complexity (Decree 31/2019 Art 3 for denunciations), remote area, accused; the discipline track
    of a complaint (Law on Complaints 2011 Arts 47-58) and a dismissal (Art 48); a denunciation to
    verify at several places (T1 to 10 working days, Law on Denunciations 2018 Art 24(1)); outside
    the body's competence (transfer within 5 working days, Art 24(2), T2)."""
    case = lock(case, expected_version)
    permissions.check_can("classify", actor, case)
    changes: dict[str, object] = {}
    if kind and kind != case.kind:
        if case.status != S.RECEIVED:
            raise ValidationError(_("Chỉ đổi loại đơn khi chưa thụ lý."))
        if kind not in K.values:
            raise ValidationError(_("Loại đơn không hợp lệ."))
        changes["kind"] = [case.kind, kind]
        case.kind = kind
        case.complaint_level = Case.Level.FIRST if kind == K.COMPLAINT else ""
    if authority is not None and authority.pk != case.authority_id:
        changes["authority"] = [case.authority.code if case.authority is not None else None, authority.code]
        case.authority = authority
    if complexity and complexity != case.complexity:
        if complexity not in Case.Complexity.values:
            raise ValidationError(_("Tính chất vụ việc không hợp lệ."))
        changes["complexity"] = [case.complexity, complexity]
        case.complexity = complexity
    if remote_area is not None and remote_area != case.remote_area:
        changes["remote_area"] = [case.remote_area, remote_area]
        case.remote_area = remote_area
    if accused_authority is not None:
        changes["accused_authority"] = accused_authority.code
        case.accused_authority = accused_authority
    if accused_user is not None:
        changes["accused_user"] = accused_user.pk
        case.accused_user = accused_user
    if accused_name is not None:
        case.accused_name = clean_text("accused_name", accused_name)
    flags = {
        "discipline": discipline,
        "dismissal": dismissal,
        "multi_site": multi_site,
        "out_of_competence": out_of_competence,
    }
    for name, value in flags.items():
        if value is not None and bool(value) != getattr(case, name):
            if name in ("discipline", "dismissal") and case.kind != K.COMPLAINT:
                continue
            if name in ("multi_site", "out_of_competence") and case.kind != K.DENUNCIATION:
                continue
            changes[name] = [getattr(case, name), bool(value)]
            setattr(case, name, bool(value))
    event = record(case, "case.classified", actor, data={"changes": changes})
    if "discipline" in changes:
        dl.deadlines_on_track_change(case)
    dl.deadlines_recompute_variants(case)
    if case.out_of_competence and case.status == S.RECEIVED:
        dl.deadlines_on_out_of_competence(case)
    return save(
        case,
        actor,
        "classified",
        [
            "kind",
            "complaint_level",
            "authority",
            "complexity",
            "remote_area",
            "accused_authority",
            "accused_user",
            "accused_name",
            "discipline",
            "dismissal",
            "multi_site",
            "out_of_competence",
        ],
        [event],
    )


@transaction.atomic
def case_accept(*, case: Case, actor: Actor, note: str = "", expected_version: int | None = None) -> Case:
    """Accept (thụ lý): Law on Complaints Arts 27, 36(1); Law on Denunciations Arts 24(1), 29.
    Starts the resolution deadline (K4/K5/K6 or T4) and, for denunciations, the notices (T3)."""
    case = lock(case, expected_version)
    permissions.check_can("accept", actor, case)
    require_verdict(rules.ordinary_acceptance_allowed(case))
    if case.authority_id is None:
        raise ValidationError(_("Cần xác định cơ quan có thẩm quyền trước khi thụ lý."))
    note = clean_text("note", note)
    transition(case, S.ACCEPTED)
    case.accepted_at = timezone.now()
    event = record(case, "case.accepted", actor, visibility=Visibility.COMPLAINANT, data={"note": note})
    dl.deadlines_on_accept(case)
    return save(case, actor, "accepted", ["status", "accepted_at"], [event])


@transaction.atomic
def case_reject(
    *, case: Case, actor: Actor, reason_code: str, reason_text: str = "", expected_version: int | None = None
) -> Case:
    """Not accepted (không thụ lý) with a statutory reason in force today: Law on Complaints Art 11;
    Law on Denunciations Arts 24, 25, 29(1); letters filed under Circular 05/2021/TT-TTCP."""
    case = lock(case, expected_version)
    permissions.check_can("reject", actor, case)
    # A follow-up is declined only by the review (Law on Denunciations 2018 Art 37(2)(a)).
    require_verdict(rules.ordinary_acceptance_allowed(case))
    if reason_code in rules.REVIEW_ONLY_REASONS:
        raise ValidationError(
            _(
                "Lý do này chỉ dùng khi cấp trên xem xét tố cáo tiếp "
                "(Luật Tố cáo 2018, Điều 37 khoản 2 điểm a)."
            ),
            field_errors={"reason_code": [f"'{reason_code}'"]},
        )
    reason = statutory_reason(REJECTION_REASONS, reason_code, case.kind, local_today())
    reason_text = clean_text("reason_text", reason_text)
    transition(case, S.REJECTED)
    case.reason_code, case.reason_text, case.closed_at = reason.code, reason_text, timezone.now()
    event = record(
        case,
        "case.rejected",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"reason_code": reason.code, "legal_basis": reason.legal_basis, "reason_text": reason_text},
    )
    dl.deadlines_answer_letter(case, Deadline.EndReason.REJECTED)
    return save(
        case,
        actor,
        f"rejected: {reason.code}",
        ["status", "reason_code", "reason_text", "closed_at"],
        [event],
    )


@transaction.atomic
def case_transfer(
    *, case: Case, actor: Actor, to_authority: Authority, note: str = "", expected_version: int | None = None
) -> Case:
    """Transfer to the competent body (chuyển đơn): Law on Denunciations Art 24(2) (5 working
    days, once per same content: Circular 05/2021 Art 14(1))."""
    case = lock(case, expected_version)
    permissions.check_can("transfer", actor, case)
    return transfer_locked(case, actor, to_authority, note)


def transfer_locked(
    case: Case, actor: Actor, to_authority: Authority, note: str = "", *, reviewed: bool = False
) -> Case:
    """The transfer itself, on a row the caller locked and checked (``reviewed``: the superior's
    review of a re-denunciation decided it, Law on Denunciations 2018 Art 37(2)(b))."""
    require_verdict(rules.can_transfer(case, reviewed=reviewed))
    if to_authority is None or to_authority.pk == case.authority_id:
        raise ValidationError(
            _("Chọn cơ quan nhận khác cơ quan hiện tại."),
            field_errors={"to_authority": [_("Chọn cơ quan nhận khác cơ quan hiện tại.")]},
        )
    if not to_authority.is_valid_on(local_today()):
        raise ValidationError(_("Cơ quan nhận không còn hiệu lực."))
    note = clean_text("note", note)
    transition(case, S.TRANSFERRED)
    from_code = case.authority.code if case.authority is not None else None
    case.transferred_to = to_authority
    case.transfer_count += 1
    case.closed_at = timezone.now()
    event = record(
        case,
        "case.transferred",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"from": from_code, "to": to_authority.code, "to_name": to_authority.name_vi, "note": note},
    )
    dl.deadlines_answer_letter(case, Deadline.EndReason.TRANSFERRED)
    return save(
        case,
        actor,
        f"transferred to {to_authority.code}",
        ["status", "transferred_to", "transfer_count", "closed_at"],
        [event],
    )


@transaction.atomic
def case_guide(
    *,
    case: Case,
    actor: Actor,
    guidance: str,
    to_authority: Authority | None = None,
    expected_version: int | None = None,
) -> Case:
    """Guide the citizen to the competent body (hướng dẫn), once: Law on Citizen Reception 2013
    Art 26; Circular 05/2021/TT-TTCP."""
    case = lock(case, expected_version)
    permissions.check_can("guide", actor, case)
    require_verdict(rules.ordinary_acceptance_allowed(case))
    guidance = clean_text("guidance", guidance, required=True)
    transition(case, S.GUIDED)
    case.reason_text = guidance
    case.closed_at = timezone.now()
    event = record(
        case,
        "case.guided",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"guidance": guidance, "to": to_authority.code if to_authority else None},
    )
    dl.deadlines_answer_letter(case, Deadline.EndReason.GUIDED)
    return save(case, actor, "guided", ["status", "reason_text", "closed_at"], [event])


@transaction.atomic
def case_merge_duplicate(
    *, case: Case, actor: Actor, into: Case, note: str = "", expected_version: int | None = None
) -> Case:
    """Merge a duplicate letter (``case``, which closes) into the case that carries the matter
    (``into``, which stays open): Law on Denunciations 2018 Art 24(3); Circular 05/2021/TT-TTCP
    Art 14(1). The duplicate keeps its own history and points to the original."""
    if into.pk == case.pk:
        raise ValidationError(_("Không thể gộp hồ sơ vào chính nó."))
    # Lock both rows in primary-key order so two opposite merges cannot deadlock.
    list(Case.objects.select_for_update().filter(pk__in=[case.pk, into.pk]).order_by("pk"))
    case = lock(case, expected_version)
    into = lock(into)
    permissions.check_can("merge", actor, case)
    permissions.check_can("view", actor, into)
    if into.status == S.MERGED:
        raise ValidationError(_("Hồ sơ giữ lại cũng là hồ sơ trùng đã gộp; chọn hồ sơ gốc."))
    note = clean_text("note", note)
    transition(case, S.MERGED)
    case.merged_into = into
    case.closed_at = timezone.now()
    case.duplicate_suspected = False
    event = record(
        case,
        "case.merged",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"into": into.reference, "note": note},
    )
    dl.deadlines_end(case, Deadline.EndReason.MERGED)
    save(
        case,
        actor,
        f"merged into {into.reference}",
        ["status", "merged_into", "closed_at", "duplicate_suspected"],
        [event],
    )
    linked = record(into, "case.duplicate_linked", actor, data={"duplicate": case.reference})
    save(into, actor, f"duplicate {case.reference} merged", [], [linked])
    return case


@transaction.atomic
def case_link(
    *, case: Case, actor: Actor, other: Case, note: str = "", expected_version: int | None = None
) -> Case:
    """Link a letter to a related case without merging it (same person or matter, but not the
    same content): both timelines record the link and the duplicate flag is cleared."""
    if other.pk == case.pk:
        raise ValidationError(_("Không thể liên kết hồ sơ với chính nó."))
    list(Case.objects.select_for_update().filter(pk__in=[case.pk, other.pk]).order_by("pk"))
    case = lock(case, expected_version)
    other = lock(other)
    permissions.check_can("merge", actor, case)
    permissions.check_can("view", actor, other)
    note = clean_text("note", note)
    case.duplicate_suspected = False
    event = record(case, "case.linked", actor, data={"other": other.reference, "note": note})
    save(case, actor, f"linked to {other.reference}", ["duplicate_suspected"], [event])
    back = record(other, "case.linked", actor, data={"other": case.reference, "note": note})
    save(other, actor, f"linked to {case.reference}", [], [back])
    return case


@transaction.atomic
def case_clear_duplicate(*, case: Case, actor: Actor, note: str, expected_version: int | None = None) -> Case:
    """Staff checked the likely duplicates and found none: the flag is cleared, with the reason,
    and the case leaves the duplicates queue."""
    case = lock(case, expected_version)
    permissions.check_can("merge", actor, case)
    if not case.duplicate_suspected:
        raise ValidationError(_("Hồ sơ này không ở trong danh sách nghi trùng."))
    note = clean_text("note", note, required=True)
    case.duplicate_suspected = False
    event = record(case, "case.duplicate_cleared", actor, data={"note": note})
    return save(case, actor, "not a duplicate", ["duplicate_suspected"], [event])
