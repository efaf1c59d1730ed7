"""The layout of a report for people: multi-level column headers of a form, the heading of the
document (authority, period, number), the methods note, the signatory block. Shared by the
printable page and the XLSX workbook so both show the same thing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cases import reporting

from .compute import Report
from .specs import Form


@dataclass
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    column: int | None = None  # the column number, for a leaf


def header_rows(form: Form) -> list[list[HeaderCell]]:
    """The header as rows of cells with spans: equal leading header levels of neighbouring columns
    are merged across; a column whose header stops early spans down to the last level."""
    depth = max(len(c.head) for c in form.columns)
    rows: list[list[HeaderCell]] = [[] for _ in range(depth)]
    for level in range(depth):
        i = 0
        columns = form.columns
        while i < len(columns):
            col = columns[i]
            if len(col.head) <= level:
                i += 1
                continue
            if len(col.head) - 1 == level:
                rows[level].append(HeaderCell(col.head[level], 1, depth - level, col.n))
                i += 1
                continue
            prefix = col.head[: level + 1]
            j = i
            while (
                j < len(columns)
                and len(columns[j].head) > level + 1
                and columns[j].head[: level + 1] == prefix
            ):
                j += 1
            rows[level].append(HeaderCell(col.head[level], j - i, 1))
            i = j
    return rows


DATE_WORDS = "ngày {d:02d} tháng {m:02d} năm {y}"


def date_words(day: dt.date) -> str:
    return DATE_WORDS.format(d=day.day, m=day.month, y=day.year)


@dataclass
class Heading:
    authority_upper: str
    parent_upper: str
    title: str
    period_line: str
    attached_line: str
    regime_line: str
    signer_title: str = ""
    signer_name: str = ""
    place_date: str = ""
    filed: bool = False
    version: int | None = None
    content_hash: str = ""
    notes: list[str] = field(default_factory=list)


def heading(
    report: Report,
    *,
    number: str = "",
    report_date: dt.date | None = None,
    signer_title: str = "",
    signer_name: str = "",
    filed=None,
) -> Heading:
    authority = report.authority
    parent = authority.parent.name_vi.upper() if authority.parent is not None else ""
    period = report.period
    attached = (
        f"(Kèm theo báo cáo số {number} {date_words(report_date)} của {authority.name_vi})"
        if number and report_date
        else f"(Kèm theo báo cáo số …… ngày …… của {authority.name_vi})"
    )
    return Heading(
        authority_upper=authority.name_vi.upper(),
        parent_upper=parent,
        title=period.label(report.regime),
        period_line=f"Số liệu tính từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}",
        attached_line=attached,
        regime_line=report.regime.title_vi,
        signer_title=signer_title,
        signer_name=signer_name,
        place_date=date_words(report_date).capitalize() if report_date else "",
        filed=filed is not None,
        version=getattr(filed, "version", None),
        content_hash=getattr(filed, "content_hash", ""),
    )


def methods_note(report: Report) -> list[tuple[str, str]]:
    """What every report says about how it was counted and what rests on secondary sources."""
    regime = report.regime
    notes = [(str(term), str(text)) for _key, term, text in reporting.PERIOD_METHODS]
    notes += reporting.methods(("backlog", "age", "on_time"))
    notes.append(
        (
            "Chế độ báo cáo",
            f"{regime.title_vi}. Thời gian chốt số liệu: {regime.periods_basis_vi} "
            f"(độ tin cậy: {CONFIDENCE[regime.periods_confidence]}).",
        )
    )
    for f in regime.forms:
        if f.layout_note:
            notes.append((f"Biểu {f.code}", f.layout_note))
    blank = sorted({f.code for f in regime.forms for c in f.columns if c.not_held})
    if blank:
        notes.append(
            (
                "Cột để trống",
                "Các cột ghi «—» (biểu "
                + ", ".join(blank)
                + ") là số liệu hệ thống chưa lưu (tiền, đất thu hồi, "
                "người bị xử lý, lĩnh vực của vụ việc, văn bản phúc đáp…): đơn vị tổng hợp bổ sung từ "
                "hồ sơ giấy.",
            )
        )
    if regime.code == "TT06-2025":
        notes.append(
            (
                "Biểu 06/QLKNTC",
                "Biểu về quản lý nhà nước công tác giải quyết khiếu nại, tố cáo không được lập từ hệ thống "
                "(không có dữ liệu).",
            )
        )
    notes.append(
        (
            "Nguồn",
            "Danh mục biểu, cột và thời gian chốt số liệu lấy từ các trang của cơ quan thanh tra trích dẫn "
            "thông tư và các phần mềm công khai triển khai biểu mẫu (nguồn thứ cấp), chưa đối chiếu với "
            "phụ lục của thông tư đăng trên Công báo.",
        )
    )
    return notes


CONFIDENCE = {"C": "đã đối chiếu văn bản", "S": "nguồn thứ cấp", "U": "chưa xác nhận, giả định"}
