"""The rules of the protection process, as pure predicates over rows already loaded (no queries):
the services, the forms and the case panel ask them, nobody restates them. Each refusal names its
article (Law on Denunciations 25/2018/QH14 unless said otherwise)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from ..models import CaseKind
from ..rules import ALLOWED, Verdict, refused
from ..workflow import OPEN_STATES
from .models import Channel, Measure, ProtectionRequest, Relation

Status = ProtectionRequest.Status

# The deadline rows of the rule table that belong to this process (cases/data/deadline_rules.toml):
# T14 the resolver's consideration of a request, T15 an urgent request. Their existence is itself
# confidential (Art 48(2)(b)): ``cases.rules.CONFIDENTIAL_RULES`` keeps them off the citizen's pages.
REQUEST_RULE = "T14"
URGENT_RULE = "T15"

# Measures the resolver applies itself (Art 49(1)): confidentiality, and the job position or
# employment of a protected person under its own management. Life, health, property, honour and
# dignity are the police's (Art 49(3)); a job outside its management, the managing body's (Art 49(4)).
OWN_MEASURES = frozenset({Measure.CONFIDENTIALITY, Measure.JOB_POSITION, Measure.EMPLOYMENT})
MANAGED_MEASURES = frozenset({Measure.JOB_POSITION, Measure.EMPLOYMENT})
POLICE_MEASURES = frozenset({Measure.LIFE_HEALTH, Measure.PROPERTY, Measure.HONOUR})

# Open requests: still to be decided, with the competent body, or in force.
OPEN_STATUSES = frozenset({Status.RECEIVED, Status.REFERRED, Status.APPLIED})

# Law 136/2025/QH15 adds ending protection when the protected person deliberately breaches their
# duties, from 1/7/2026 [secondary source only: legal brief section 3.11, tag S].
BREACH_GROUND_FROM = dt.date(2026, 7, 1)


def clean_measures(values: Iterable[str]) -> list[str]:
    """The known measure codes among ``values``, in the table's order."""
    wanted = set(values)
    return [m for m in Measure.values if m in wanted]


def can_request(case) -> Verdict:
    """A request is made about a denunciation being resolved (Art 47(3), Art 50(1)); protection ends
    with the conclusion or the ending decision (Art 54(2)(a)), so none starts after it."""
    if case.kind != CaseKind.DENUNCIATION:
        return refused(
            _("Chỉ người tố cáo được đề nghị áp dụng biện pháp bảo vệ (Luật Tố cáo 2018, Điều 47, 50).")
        )
    if case.status not in OPEN_STATES:
        return refused(
            _(
                "Tố cáo đã có kết luận hoặc đã kết thúc: không tiếp nhận đề nghị bảo vệ mới "
                "(Luật Tố cáo 2018, Điều 54 khoản 2)."
            )
        )
    return ALLOWED


def request_form_problem(
    *, channel: str, urgent: bool, signed: bool, measures: list[str], relations: list[str]
) -> str:
    """Why a request as typed is not one the law knows, or "" (Art 50)."""
    if channel not in Channel.values:
        return str(_("Chọn hình thức đề nghị."))
    if channel != Channel.WRITTEN and not urgent:
        return str(
            _(
                "Đề nghị bằng điện thoại hoặc trực tiếp chỉ dành cho trường hợp khẩn cấp; ngoài ra người tố "
                "cáo phải có văn bản đề nghị (Luật Tố cáo 2018, Điều 50 khoản 1, khoản 3)."
            )
        )
    if channel == Channel.WRITTEN and not signed:
        return str(
            _(
                "Văn bản đề nghị phải có chữ ký hoặc điểm chỉ của người tố cáo "
                "(Luật Tố cáo 2018, Điều 50 khoản 2 điểm d)."
            )
        )
    if not measures:
        return str(_("Nêu nội dung đề nghị bảo vệ (Luật Tố cáo 2018, Điều 50 khoản 2 điểm c)."))
    if not relations:
        return str(_("Nêu người cần được bảo vệ (Luật Tố cáo 2018, Điều 50 khoản 2 điểm b)."))
    unknown = [r for r in relations if r not in Relation.values]
    if unknown:
        return str(
            _(
                "Chỉ bảo vệ người tố cáo và vợ, chồng, cha đẻ, mẹ đẻ, cha nuôi, mẹ nuôi, con đẻ, con nuôi "
                "của người tố cáo (Luật Tố cáo 2018, Điều 47 khoản 1)."
            )
        )
    if relations.count(Relation.DENOUNCER) > 1 or relations.count(Relation.SPOUSE) > 1:
        return str(_("Người tố cáo và vợ/chồng chỉ được ghi một lần (Luật Tố cáo 2018, Điều 47 khoản 1)."))
    return ""


def can_confirm(request: ProtectionRequest) -> Verdict:
    """An urgent oral request is then put in writing (Art 50(3))."""
    if request.channel == Channel.WRITTEN:
        return refused(_("Đề nghị đã được lập bằng văn bản (Luật Tố cáo 2018, Điều 50 khoản 1)."))
    if request.confirmed_on is not None:
        return refused(_("Đã có văn bản thể hiện đề nghị khẩn cấp (Luật Tố cáo 2018, Điều 50 khoản 3)."))
    if request.status == Status.ENDED:
        return refused(_("Việc bảo vệ đã chấm dứt (Luật Tố cáo 2018, Điều 54 khoản 2)."))
    return ALLOWED


def can_decide(request: ProtectionRequest) -> Verdict:
    """The resolver considers a received request once (Art 51(1), (3))."""
    if request.status != Status.RECEIVED:
        return refused(
            _("Đề nghị này đã được xem xét, quyết định (Luật Tố cáo 2018, Điều 51).")
            if request.status != Status.ENDED
            else _("Việc bảo vệ đã chấm dứt (Luật Tố cáo 2018, Điều 54 khoản 2).")
        )
    return ALLOWED


def apply_problem(measures: list[str], *, under_management: bool) -> str:
    """Why the resolver cannot apply these measures itself (Art 49), or ""."""
    if not measures:
        return str(_("Chọn biện pháp bảo vệ (Luật Tố cáo 2018, Điều 52 khoản 2 điểm d)."))
    if set(measures) & POLICE_MEASURES:
        return str(
            _(
                "Bảo vệ tính mạng, sức khỏe, tài sản, danh dự, nhân phẩm do cơ quan Công an thực hiện: "
                "đề nghị cơ quan có thẩm quyền áp dụng (Luật Tố cáo 2018, Điều 49 khoản 3, Điều 51 khoản 1)."
            )
        )
    if set(measures) & MANAGED_MEASURES and not under_management:
        return str(
            _(
                "Người giải quyết tố cáo chỉ bảo vệ vị trí công tác, việc làm của người thuộc quyền quản lý; "
                "ngoài ra đề nghị cơ quan quản lý có thẩm quyền (Luật Tố cáo 2018, Điều 49 khoản 1, khoản 4)."
            )
        )
    return ""


def can_record_body_answer(request: ProtectionRequest) -> Verdict:
    """The competent body decides and tells the resolver and the protected person in writing
    (Art 51(2); Decree 31/2019 Art 8)."""
    if request.status != Status.REFERRED:
        return refused(
            _("Chỉ ghi nhận trả lời khi đã đề nghị cơ quan có thẩm quyền (Nghị định 31/2019/NĐ-CP, Điều 8).")
        )
    return ALLOWED


def can_change(request: ProtectionRequest) -> Verdict:
    """Only measures in force are changed or added to (Art 54(1))."""
    if request.status != Status.APPLIED:
        return refused(
            _("Chỉ thay đổi, bổ sung khi đang áp dụng biện pháp bảo vệ (Luật Tố cáo 2018, Điều 54 khoản 1).")
        )
    return ALLOWED


def can_end(request: ProtectionRequest, ground: str, on: dt.date) -> Verdict:
    """Ending by decision (Art 54(2)(b)); the conclusion and the ending decision end it by
    themselves (Art 54(2)(a), ``services.protection_end_for_case``)."""
    if request.status != Status.APPLIED:
        return refused(
            _("Chỉ chấm dứt khi đang áp dụng biện pháp bảo vệ (Luật Tố cáo 2018, Điều 54 khoản 2).")
        )
    if ground in (ProtectionRequest.EndGround.CONCLUSION, ProtectionRequest.EndGround.TERMINATION):
        return refused(
            _(
                "Kết luận hoặc đình chỉ giải quyết tố cáo tự chấm dứt việc bảo vệ "
                "(Luật Tố cáo 2018, Điều 54 khoản 2 điểm a)."
            )
        )
    if ground == ProtectionRequest.EndGround.BREACH and on < BREACH_GROUND_FROM:
        return refused(_("Căn cứ này áp dụng từ ngày 01/07/2026 (Luật số 136/2025/QH15)."))
    if ground not in ProtectionRequest.EndGround.values:
        return refused(_("Chọn căn cứ chấm dứt (Luật Tố cáo 2018, Điều 54 khoản 2)."))
    return ALLOWED


def end_grounds(on: dt.date) -> list[tuple[str, str]]:
    """The grounds a decision may end protection on, on ``on``."""
    grounds = [ProtectionRequest.EndGround.GROUNDS_CEASED, ProtectionRequest.EndGround.ON_REQUEST]
    if on >= BREACH_GROUND_FROM:
        grounds.append(ProtectionRequest.EndGround.BREACH)
    return [(g.value, str(g.label)) for g in grounds]
