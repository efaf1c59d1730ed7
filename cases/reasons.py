"""Statutory reason codes for not accepting, suspending and ending resolution, each with its
article. Services refuse a code that does not fit the case kind.

Sources (see ../shared/reference/legal-brief.md): Law on Complaints 02/2011 Art 11 (nine grounds
not to accept) and Art 10 (withdrawal); Law on Denunciations 25/2018 Arts 24, 25, 29(1) (not
accepted), 34(1) (suspension), 34(3) (ending); Circular 07/2014/TT-TTCP Art 28 (filing letters,
predecessor of Circular 05/2021 — equivalence unconfirmed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone

from .models import CaseKind as K


@dataclass(frozen=True)
class Reason:
    """One version of a statutory reason: in force from ``valid_from`` (None: since the text took
    effect) to ``valid_to`` (None: still). A case refused, suspended or ended on a day gets the
    version in force that day, so its notice cites the text of that day (before and after the
    amendments of 1/7/2026)."""

    code: str
    kinds: frozenset[str]
    label_vi: str
    label_en: str
    legal_basis: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    # C confirmed against the text, S secondary source, U unconfirmed: for staff and reviewers; the
    # legal basis itself, which citizens read, carries no doubt.
    confidence: str = "C"

    def label(self, language: str = "vi") -> str:
        return self.label_en if language == "en" else self.label_vi

    def in_force_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class ReasonTable:
    """Versions of reasons by code. ``get(code, on)`` is the version in force on ``on`` (today by
    default); ``for_kind(kind, on)`` the reasons a case of ``kind`` may cite that day."""

    def __init__(self, reasons: Iterable[Reason]) -> None:
        self._by_code: dict[str, list[Reason]] = {}
        for reason in reasons:
            self._by_code.setdefault(reason.code, []).append(reason)

    def get(self, code: str, on: dt.date | None = None) -> Reason | None:
        on = on or timezone.localdate()
        for reason in self._by_code.get(code, ()):
            if reason.in_force_on(on):
                return reason
        return None

    def versions(self, code: str) -> list[Reason]:
        return list(self._by_code.get(code, ()))

    def for_kind(self, kind: str, on: dt.date | None = None) -> list[Reason]:
        on = on or timezone.localdate()
        return [
            r
            for versions in self._by_code.values()
            for r in versions
            if kind in r.kinds and r.in_force_on(on)
        ]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_code)

    def values(self) -> list[Reason]:
        return [r for versions in self._by_code.values() for r in versions]


def reason_in_force(table: ReasonTable, code: str, on: dt.date) -> Reason | None:
    return table.get(code, on)


_C = frozenset({K.COMPLAINT})
_D = frozenset({K.DENUNCIATION})
_P = frozenset({K.PETITION})
_A = frozenset({K.ANONYMOUS_REPORT})
_ALL = frozenset(K.values)

REJECTION_REASONS = ReasonTable(
    [
        Reason(
            "KN-11-1",
            _C,
            "Hành vi, quyết định nội bộ, văn bản quy phạm pháp luật hoặc thuộc bí mật nhà nước",
            "Internal act, legal-normative decision or state secret",
            "Luật Khiếu nại 2011, Điều 11 khoản 1",
        ),
        Reason(
            "KN-11-2",
            _C,
            "Quyết định, hành vi không liên quan trực tiếp đến quyền, lợi ích hợp pháp của người khiếu nại",
            "The decision or act does not directly affect the complainant's lawful rights",
            "Luật Khiếu nại 2011, Điều 11 khoản 2",
        ),
        Reason(
            "KN-11-3",
            _C,
            "Người khiếu nại không có năng lực hành vi dân sự đầy đủ mà không có người đại diện hợp pháp",
            "The complainant lacks full legal capacity and has no legal representative",
            "Luật Khiếu nại 2011, Điều 11 khoản 3",
        ),
        Reason(
            "KN-11-4",
            _C,
            "Người đại diện không hợp pháp",
            "The representative is not lawful",
            "Luật Khiếu nại 2011, Điều 11 khoản 4",
        ),
        Reason(
            "KN-11-5",
            _C,
            "Đơn khiếu nại không có chữ ký hoặc điểm chỉ",
            "The letter is not signed or thumb-printed",
            "Luật Khiếu nại 2011, Điều 11 khoản 5",
        ),
        Reason(
            "KN-11-6",
            _C,
            "Thời hiệu, thời hạn khiếu nại đã hết mà không có lý do chính đáng",
            "The limitation period has expired without good reason",
            "Luật Khiếu nại 2011, Điều 11 khoản 6; Điều 9",
        ),
        Reason(
            "KN-11-7",
            _C,
            "Khiếu nại đã có quyết định giải quyết khiếu nại lần hai",
            "A second-level decision already exists",
            "Luật Khiếu nại 2011, Điều 11 khoản 7",
        ),
        Reason(
            "KN-11-8",
            _C,
            "Có văn bản thông báo đình chỉ mà sau 30 ngày người khiếu nại không tiếp tục khiếu nại",
            "Resolution was ended and the complainant did not continue within 30 days",
            "Luật Khiếu nại 2011, Điều 11 khoản 8",
        ),
        Reason(
            "KN-11-9",
            _C,
            "Việc khiếu nại đã được Tòa án thụ lý hoặc đã được giải quyết bằng bản án, quyết định của Tòa án",
            "A court has accepted or decided the matter",
            "Luật Khiếu nại 2011, Điều 11 khoản 9",
        ),
        Reason(
            "TC-29-1-a",
            _D,
            "Đơn tố cáo không đáp ứng yêu cầu về hình thức, nội dung (họ tên, địa chỉ, chữ ký)",
            "The letter does not meet Art 23 (name, address, signature)",
            "Luật Tố cáo 2018, Điều 29 khoản 1 điểm a; Điều 23",
        ),
        Reason(
            "TC-29-1-b",
            _D,
            "Người tố cáo không có năng lực hành vi dân sự đầy đủ mà không có người đại diện",
            "The denouncer lacks full legal capacity and has no representative",
            "Luật Tố cáo 2018, Điều 29 khoản 1 điểm b",
        ),
        Reason(
            "TC-29-1-d",
            _D,
            "Nội dung tố cáo không có cơ sở để xác định người vi phạm, hành vi vi phạm",
            "The content does not allow the violator or the violation to be identified",
            "Luật Tố cáo 2018, Điều 29 khoản 1 điểm d",
        ),
        Reason(
            "TC-29-1-resolver",
            _D,
            "Tố cáo người giải quyết khiếu nại đã giải quyết đúng mà không có bằng chứng vi phạm",
            "Denounces a complaint resolver of a lawfully resolved complaint without evidence",
            "Luật Tố cáo 2018, Điều 29 khoản 1 (đoạn cuối)",
        ),
        # Art 29(1)(c) (outside competence) is a condition of acceptance, not a ground to reject:
        # such a denunciation is transferred within 5 working days or the denouncer in person is
        # guided (Art 24(2)); ``case_transfer`` / ``case_guide``, never ``case_reject``.
        Reason(
            "TC-37-2-a",
            _D,
            "Việc giải quyết tố cáo trước đó là đúng pháp luật: không giải quyết lại vụ việc tố cáo",
            "The earlier resolution was lawful: the denunciation is not re-resolved",
            "Luật Tố cáo 2018, Điều 37 khoản 2 điểm a",
        ),
        Reason(
            "KN-11-5-group",
            _C,
            "Khiếu nại đông người mà đơn không có đủ chữ ký hoặc điểm chỉ của những người khiếu nại",
            "Group complaint without the signature or thumbprint of every complainant",
            "Luật Khiếu nại 2011, Điều 8 khoản 3, Điều 11 khoản 5; Nghị định 124/2020/NĐ-CP, Điều 7",
            confidence="S",
        ),
        Reason(
            "KN-11-4-group",
            _C,
            "Khiếu nại đông người mà không có văn bản cử người đại diện hợp lệ",
            "Group complaint without a valid appointment of its representatives",
            "Luật Khiếu nại 2011, Điều 8 khoản 3, Điều 11 khoản 4; Nghị định 124/2020/NĐ-CP, Điều 7",
            confidence="S",
        ),
        Reason(
            "KN-11-refiled",
            _C,
            "Khiếu nại lại nội dung đã rút khiếu nại",
            "Complaint again about content already withdrawn",
            "Luật Khiếu nại (sửa đổi bởi Luật 136/2025/QH15), Điều 11",
            valid_from=dt.date(2026, 7, 1),
            confidence="S",
        ),
        Reason(
            "TC-24-3",
            _D,
            "Đơn gửi nhiều nơi trong đó có cơ quan có thẩm quyền, hoặc đã được hướng dẫn mà vẫn gửi sai",
            "Sent to several bodies including the competent one, or already guided",
            "Luật Tố cáo 2018, Điều 24 khoản 3",
        ),
        Reason(
            "TC-25",
            _D,
            "Không rõ họ tên, địa chỉ người tố cáo hoặc mạo danh: không xử lý theo Luật Tố cáo",
            "Anonymous or false name: not processed as a denunciation",
            "Luật Tố cáo 2018, Điều 25 khoản 1",
        ),
        Reason(
            "XLD-28-ineligible",
            _ALL,
            "Đơn không đủ điều kiện xử lý (xếp lưu)",
            "Letter not eligible for handling (filed)",
            "Thông tư 07/2014/TT-TTCP, Điều 28 (nay Thông tư 05/2021/TT-TTCP)",
        ),
        Reason(
            "XLD-28-resolved",
            _ALL,
            "Vụ việc đã có quyết định, kết luận có hiệu lực, không có tình tiết mới",
            "Already settled by an effective decision or conclusion, nothing new",
            "Thông tư 07/2014/TT-TTCP, Điều 28 (nay Thông tư 05/2021/TT-TTCP)",
        ),
        Reason(
            "XLD-28-illegible",
            _ALL,
            "Đơn không đọc được nội dung",
            "Illegible letter",
            "Thông tư 07/2014/TT-TTCP, Điều 28",
        ),
        Reason(
            "KNPA-not-competent",
            _P,
            "Kiến nghị, phản ánh không thuộc trách nhiệm của cơ quan",
            "Petition outside this body's responsibility",
            "Luật Tiếp công dân 2013, Điều 2 khoản 2; Thông tư 07/2014/TT-TTCP, Điều 21",
        ),
        Reason(
            "TC-25-2-insufficient",
            _A,
            "Thông tin không rõ người vi phạm hoặc không có tài liệu, chứng cứ cụ thể để kiểm tra",
            "No clearly identified violator or no concrete, checkable evidence",
            "Luật Tố cáo 2018, Điều 25 khoản 2",
        ),
    ]
)

SUSPENSION_REASONS = ReasonTable(
    [
        Reason(
            "TC-34-1-a",
            _D,
            "Chờ kết quả giải quyết của cơ quan, tổ chức khác hoặc vụ việc liên quan",
            "Awaiting another body's result or a related matter",
            "Luật Tố cáo 2018, Điều 34 khoản 1 điểm a",
        ),
        Reason(
            "TC-34-1-b",
            _D,
            "Chờ kết quả giám định bổ sung, giám định lại",
            "Awaiting supplementary or repeated expert assessment",
            "Luật Tố cáo 2018, Điều 34 khoản 1 điểm b",
        ),
        Reason(
            "KN-11a-obstacle",
            _C,
            "Sự kiện bất khả kháng hoặc trở ngại khách quan (thiên tai, dịch bệnh, ốm đau, ...)",
            "Force majeure or objective obstacle (disaster, epidemic, illness, ...)",
            "Luật Khiếu nại (sửa đổi bởi Luật 136/2025), Điều 11a",
            confidence="U",
        ),
        Reason(
            "KN-11a-related",
            _C,
            "Chờ kết quả giải quyết vụ việc khác có liên quan",
            "Awaiting the outcome of a related matter",
            "Luật Khiếu nại (sửa đổi bởi Luật 136/2025), Điều 11a",
            confidence="U",
        ),
    ]
)

TERMINATION_REASONS = ReasonTable(
    [
        Reason(
            "KN-10-withdrawn",
            _C,
            "Người khiếu nại rút toàn bộ khiếu nại",
            "The complainant withdrew the complaint",
            "Luật Khiếu nại 2011, Điều 10",
        ),
        Reason(
            "KN-11a-death",
            _C,
            "Người khiếu nại chết hoặc tổ chức khiếu nại giải thể mà không có người kế thừa",
            "The complainant died or the organisation was dissolved",
            "Luật Khiếu nại (sửa đổi bởi Luật 136/2025), Điều 11a",
            confidence="U",
        ),
        Reason(
            "TC-34-3-a",
            _D,
            "Người tố cáo rút toàn bộ nội dung tố cáo",
            "The denouncer withdrew the whole denunciation",
            "Luật Tố cáo 2018, Điều 34 khoản 3 điểm a; Điều 33",
        ),
        Reason(
            "TC-34-3-b",
            _D,
            "Cá nhân bị tố cáo chết và nội dung tố cáo chỉ liên quan đến trách nhiệm của người đó",
            "The accused died and the content concerns only them",
            "Luật Tố cáo 2018, Điều 34 khoản 3 điểm b",
        ),
        Reason(
            "TC-34-3-c",
            _D,
            "Vụ việc đã được giải quyết bằng bản án, quyết định của Tòa án đã có hiệu lực pháp luật hoặc "
            "quyết định đã có hiệu lực của cơ quan, tổ chức, cá nhân có thẩm quyền",
            "Settled by a court judgment or decision in legal force, or a competent decision in force",
            "Luật Tố cáo 2018, Điều 34 khoản 3 điểm c",
        ),
        Reason(
            "TC-25-2-closed",
            _A,
            "Kết thúc kiểm tra thông tin phục vụ quản lý",
            "Management check of the information ended",
            "Luật Tố cáo 2018, Điều 25 khoản 2; Nghị định 31/2019, Điều 20",
        ),
    ]
)


def reasons_for(table: ReasonTable, kind: str, on: dt.date | None = None) -> list[Reason]:
    return table.for_kind(kind, on)


# Grounds on which the superior re-resolves a re-denunciation itself (Law on Denunciations 2018
# Art 37(2)(b)-(c), (3)).
RE_RESOLUTION_GROUNDS = ReasonTable(
    [
        Reason(
            "TC-37-2-b",
            _D,
            "Việc giải quyết tố cáo trước đó không đúng thẩm quyền",
            "The earlier resolution was outside the resolver's competence",
            "Luật Tố cáo 2018, Điều 37 khoản 2 điểm b",
        ),
        Reason(
            "TC-37-3-a",
            _D,
            "Kết quả xác minh hoặc kết luận nội dung tố cáo thiếu chính xác hoặc thiếu khách quan",
            "The verification or the conclusion was inaccurate or not objective",
            "Luật Tố cáo 2018, Điều 37 khoản 2 điểm c, khoản 3 điểm a",
        ),
        Reason(
            "TC-37-3-b",
            _D,
            "Bỏ sót, bỏ lọt thông tin, tài liệu, chứng cứ quan trọng khi xác minh hoặc kết luận",
            "Important information, documents or evidence were missed",
            "Luật Tố cáo 2018, Điều 37 khoản 2 điểm c, khoản 3 điểm b",
        ),
        Reason(
            "TC-37-3-c",
            _D,
            "Áp dụng không đúng pháp luật trong quá trình xác minh hoặc kết luận nội dung tố cáo",
            "The law was misapplied in the verification or the conclusion",
            "Luật Tố cáo 2018, Điều 37 khoản 2 điểm c, khoản 3 điểm c",
        ),
    ]
)

# Grounds on which the superior takes over a denunciation overdue at the lower body (Law on
# Denunciations 2018 Art 38(5); Decree 31/2019/NĐ-CP Art 5).
TAKE_OVER_GROUNDS = ReasonTable(
    [
        Reason(
            "ND31-5-1-a",
            _D,
            "Vi phạm trình tự, thủ tục dẫn đến kết luận không chính xác, khách quan hoặc làm sai lệch hồ sơ",
            "Procedural violations leading to an inaccurate conclusion or a falsified file",
            "Luật Tố cáo 2018, Điều 38 khoản 5; Nghị định 31/2019/NĐ-CP, Điều 5 khoản 1 điểm a",
        ),
        Reason(
            "ND31-5-1-b",
            _D,
            "Có căn cứ quy định tại khoản 3 Điều 37 Luật Tố cáo",
            "One of the grounds of Art 37(3)",
            "Luật Tố cáo 2018, Điều 38 khoản 5; Nghị định 31/2019/NĐ-CP, Điều 5 khoản 1 điểm b",
        ),
        Reason(
            "ND31-5-2-a",
            _D,
            "Người bị tố cáo là người thân của người xác minh hoặc người giải quyết tố cáo",
            "The accused is a close relative of the verifier or the resolver",
            "Luật Tố cáo 2018, Điều 38 khoản 5; Nghị định 31/2019/NĐ-CP, Điều 5 khoản 2 điểm a",
        ),
        Reason(
            "ND31-5-2-b",
            _D,
            "Nội dung tố cáo liên quan trực tiếp đến người thân của người xác minh hoặc người giải quyết",
            "The content directly concerns a close relative of the verifier or the resolver",
            "Luật Tố cáo 2018, Điều 38 khoản 5; Nghị định 31/2019/NĐ-CP, Điều 5 khoản 2 điểm b",
        ),
        Reason(
            "ND31-5-2-c",
            _D,
            "Người xác minh hoặc người giải quyết có lợi ích liên quan trực tiếp với người bị tố cáo",
            "The verifier or the resolver has a direct interest in common with the accused",
            "Luật Tố cáo 2018, Điều 38 khoản 5; Nghị định 31/2019/NĐ-CP, Điều 5 khoản 2 điểm c",
        ),
    ]
)
