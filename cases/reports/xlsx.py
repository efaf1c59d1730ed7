"""A report as an XLSX workbook (openpyxl): one sheet per form in the layout of the circular's
form (authority and national motto, title, data period, "attached to report no.", multi-level
headers with the column numbers, one row per reporting unit and the total, the signatory block),
and a sheet with the methods note. LibreOffice opens it (tests convert it to PDF)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from cases.spreadsheet import safe_cell

from .compute import Report
from .layout import Heading, header_rows, methods_note

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
BOLD = Font(name="Times New Roman", bold=True, size=11)
NORMAL = Font(name="Times New Roman", size=11)
ITALIC = Font(name="Times New Roman", italic=True, size=11)
NOT_HELD = "—"


def _sheet_title(code: str) -> str:
    # Sheet names may not contain "/" and are at most 31 characters.
    return code.replace("/", "-")[:31]


def _write_form(ws, report: Report, form_result, head: Heading) -> None:
    form = form_result.form
    width = len(form.columns) + 2
    last = get_column_letter(width)
    half = max(2, width // 2)
    # The heading: issuing body on the left, the national motto on the right.
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=half)
    ws.cell(1, 1, head.parent_upper or head.authority_upper).font = NORMAL
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=half)
    ws.cell(2, 1, head.authority_upper if head.parent_upper else "").font = BOLD
    ws.merge_cells(start_row=1, start_column=half + 1, end_row=1, end_column=width)
    ws.cell(1, half + 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").font = BOLD
    ws.merge_cells(start_row=2, start_column=half + 1, end_row=2, end_column=width)
    ws.cell(2, half + 1, "Độc lập - Tự do - Hạnh phúc").font = BOLD
    for row in (1, 2):
        for col in (1, half + 1):
            ws.cell(row, col).alignment = CENTER
    ws.merge_cells(f"A4:{last}4")
    ws["A4"] = f"Biểu số {form.code}"
    ws["A4"].font = ITALIC
    ws["A4"].alignment = Alignment(horizontal="right")
    ws.merge_cells(f"A5:{last}5")
    ws["A5"] = form.title_vi
    ws["A5"].font = Font(name="Times New Roman", bold=True, size=13)
    ws["A5"].alignment = CENTER
    ws.merge_cells(f"A6:{last}6")
    ws["A6"] = head.period_line
    ws["A6"].font = ITALIC
    ws["A6"].alignment = CENTER
    ws.merge_cells(f"A7:{last}7")
    ws["A7"] = head.attached_line
    ws["A7"].font = ITALIC
    ws["A7"].alignment = CENTER
    # The headers.
    top = 9
    levels = header_rows(form)
    depth = len(levels)
    ws.merge_cells(start_row=top, start_column=1, end_row=top + depth - 1, end_column=1)
    ws.cell(top, 1, "STT")
    ws.merge_cells(start_row=top, start_column=2, end_row=top + depth - 1, end_column=2)
    ws.cell(top, 2, "Đơn vị")
    # Place each header cell: walk the columns in order, level by level.
    positions = {c.n: i + 3 for i, c in enumerate(form.columns)}
    for level, cells in enumerate(levels):
        cursor = 0
        for cell in cells:
            # find the first column at this level not yet covered
            while cursor < len(form.columns) and len(form.columns[cursor].head) <= level:
                cursor += 1
            col = positions[form.columns[cursor].n]
            row = top + level
            if cell.colspan > 1 or cell.rowspan > 1:
                ws.merge_cells(
                    start_row=row,
                    start_column=col,
                    end_row=row + cell.rowspan - 1,
                    end_column=col + cell.colspan - 1,
                )
            ws.cell(row, col, cell.text)
            cursor += cell.colspan
    numbers = top + depth
    ws.cell(numbers, 1, "A")
    ws.cell(numbers, 2, "B")
    for c in form.columns:
        ws.cell(numbers, positions[c.n], f"({c.n})")
    for r in range(top, numbers + 1):
        for col in range(1, width + 1):
            cell = ws.cell(r, col)
            cell.border = BOX
            cell.alignment = CENTER
            cell.font = BOLD if r < numbers else ITALIC
    # The rows.
    r = numbers + 1
    for i, row in enumerate(form_result.rows):
        ws.cell(r, 1, "" if row.total else i + 1)
        ws.cell(r, 2, row.label)
        for c in form.columns:
            value = form_result.values[row.key][c.n]
            ws.cell(r, positions[c.n], NOT_HELD if value is None else value)
        for col in range(1, width + 1):
            cell = ws.cell(r, col)
            cell.border = BOX
            cell.font = BOLD if row.total else NORMAL
            cell.alignment = LEFT if col == 2 else CENTER
        r += 1
    # Notes and the signatory block.
    r += 1
    if form.layout_note:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        ws.cell(r, 1, "Ghi chú: " + form.layout_note).font = ITALIC
        ws.cell(r, 1).alignment = LEFT
        ws.row_dimensions[r].height = 30
        r += 1
    if any(c.not_held for c in form.columns):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        ws.cell(r, 1, f"«{NOT_HELD}»: số liệu hệ thống chưa lưu, đơn vị bổ sung từ hồ sơ.").font = ITALIC
        r += 1
    r += 1
    ws.merge_cells(start_row=r, start_column=half + 1, end_row=r, end_column=width)
    ws.cell(r, half + 1, head.place_date or "…………, ngày …… tháng …… năm ……").font = ITALIC
    ws.cell(r, half + 1).alignment = CENTER
    r += 1
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=half)
    ws.cell(r, 1, "NGƯỜI LẬP BIỂU").font = BOLD
    ws.cell(r, 1).alignment = CENTER
    ws.merge_cells(start_row=r, start_column=half + 1, end_row=r, end_column=width)
    ws.cell(r, half + 1, (head.signer_title or "THỦ TRƯỞNG CƠ QUAN").upper()).font = BOLD
    ws.cell(r, half + 1).alignment = CENTER
    r += 1
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=half)
    ws.cell(r, 1, "(Ký, ghi rõ họ tên)").font = ITALIC
    ws.cell(r, 1).alignment = CENTER
    ws.merge_cells(start_row=r, start_column=half + 1, end_row=r, end_column=width)
    ws.cell(r, half + 1, "(Ký, ghi rõ họ tên, đóng dấu)").font = ITALIC
    ws.cell(r, half + 1).alignment = CENTER
    r += 4
    ws.merge_cells(start_row=r, start_column=half + 1, end_row=r, end_column=width)
    ws.cell(r, half + 1, head.signer_name).font = BOLD
    ws.cell(r, half + 1).alignment = CENTER
    if head.filed:
        r += 2
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        ws.cell(
            r, 1, f"Bản đã nộp, lần {head.version}; mã kiểm tra SHA-256: {head.content_hash}"
        ).font = ITALIC
    # Widths and printing: A4 landscape, fit to one page wide.
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 30
    for c in form.columns:
        ws.column_dimensions[get_column_letter(positions[c.n])].width = 11
    for level in range(depth):
        ws.row_dimensions[top + level].height = 45
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{top}:{numbers}"


def _neutralise_formulas(ws) -> None:
    """Authority names, signatory names and titles are typed by staff: none may become a formula
    in the reader's spreadsheet (cases.spreadsheet)."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.value = safe_cell(cell.value)


def report_xlsx(report: Report, head: Heading) -> bytes:
    wb = Workbook()
    first = True
    for form_result in report.forms:
        if first:
            ws = wb.active
            ws.title = _sheet_title(form_result.form.code)
            first = False
        else:
            ws = wb.create_sheet(_sheet_title(form_result.form.code))
        _write_form(ws, report, form_result, head)
        _neutralise_formulas(ws)
    ws = wb.create_sheet("Phuong phap")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 120
    ws["A1"] = "PHƯƠNG PHÁP TÍNH VÀ NGUỒN"
    ws["A1"].font = BOLD
    for i, (term, text) in enumerate(methods_note(report), start=3):
        ws.cell(i, 1, term).font = BOLD
        ws.cell(i, 2, text).alignment = LEFT
        ws.cell(i, 1).alignment = LEFT
    _neutralise_formulas(ws)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
