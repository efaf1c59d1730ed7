"""The reports' pages: the printable report with the authority, period and signatory block, every
cell's link opening exactly the cases it counts, the XLSX in the layout of the forms (opened by
LibreOffice: converted to PDF without errors), filing from the page, the filed version and its
difference with the figures now; with and without permission."""

import io
import re
import shutil
import subprocess
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases import services
from cases.models import Role
from cases.reports.models import FiledReport

Q3 = {"authority": "HN", "kind": "q3", "year": "2026"}


def refused(response) -> bool:
    return response.status_code in (403, 404) or (response.status_code == 302 and response.url == "/admin/")


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def test_the_report_page_has_every_form_and_its_cells_open_their_cases(world, quarter, login):
    client = login(world.user(Role.HEAD_OF_AGENCY))
    response = client.get(reverse("periodic_reports:view"), Q3)
    assert response.status_code == 200
    page = response.content.decode()
    for code in ("01/TCD", "02/XLD", "03/GQKN", "04/GQTC", "05/KQTH", "PL/TĐ"):
        assert f"Biểu số {code}" in page
    assert "Số liệu tính từ ngày 15/06/2026 đến ngày 14/09/2026" in page
    assert "UBND THÀNH PHỐ HÀ NỘI" in page and "Độc lập - Tự do - Hạnh phúc" in page
    assert "THỦ TRƯỞNG CƠ QUAN" in page and "(Ký, ghi rõ họ tên, đóng dấu)" in page
    assert "Phương pháp tính và nguồn" in page and "nguồn thứ cấp" in page
    links = re.findall(r'href="(/admin/reports/cell/\?[^"]+)"', page)
    assert len(links) > 50
    from cases.reports import compute, specs

    period, regime = specs.standard_period("q3", 2026)
    report = compute.compute_report(world.hn, period, regime)
    for link in links:
        url = link.replace("&amp;", "&")
        q = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        form = report.form(q["form"])
        column = form.form.column(int(q["col"]))
        listing = client.get(url)
        assert listing.status_code == 200, url
        if column.aggregate == "count":
            count = int(re.search(r'data-testid="cell-count">(\d+)', listing.content.decode()).group(1))
            assert count == form.values[q["row"]][column.n], url


def test_permissions_and_scope(world, quarter, login):
    for role in (Role.INSPECTOR,):
        assert refused(login(world.user(role)).get(reverse("periodic_reports:view"), Q3))
    other = login(world.user(Role.HEAD_OF_AGENCY, "hp")).get(reverse("periodic_reports:view"), Q3)
    assert other.status_code in (400, 403) and "Biểu số" not in other.content.decode()  # HN is not offered
    cell = login(world.user(Role.HEAD_OF_AGENCY, "hp")).get(
        reverse("periodic_reports:cell"), {**Q3, "form": "02/XLD", "col": "3", "row": "total"}
    )
    assert cell.status_code in (403, 404)
    auditor = login(world.user(Role.AUDITOR))
    response = auditor.get(reverse("periodic_reports:view"), Q3)
    assert response.status_code == 200 and "file-form" not in response.content.decode()
    bad = login(world.user(Role.HEAD_OF_AGENCY)).get(reverse("periodic_reports:view"), {**Q3, "year": "1999"})
    assert bad.status_code == 400


def test_the_workbook_has_the_forms_layout_and_libreoffice_opens_it(world, quarter, login, tmp_path):
    client = login(world.user(Role.HEAD_OF_AGENCY))
    response = client.get(reverse("periodic_reports:view"), {**Q3, "format": "xlsx"})
    assert response.status_code == 200
    content = response.content
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == [
        "01-TCD",
        "02-XLD",
        "03-GQKN",
        "04-GQTC",
        "05-KQTH",
        "PL-TĐ",
        "PL-KĐ",
        "Phuong phap",
    ]
    ws = wb["02-XLD"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "TỔNG HỢP KẾT QUẢ TIẾP NHẬN, XỬ LÝ ĐƠN" in texts
    assert "Số liệu tính từ ngày 15/06/2026 đến ngày 14/09/2026" in texts
    assert "(22)" in texts and "Tổng cộng" in texts and "(Ký, ghi rõ họ tên, đóng dấu)" in texts
    assert any(
        r.min_row == r.max_row and r.max_col - r.min_col >= 2 for r in ws.merged_cells.ranges
    )  # merged headers
    # the figures are those of the page
    total = next(row for row in ws.iter_rows(values_only=True) if row[1] == "Tổng cộng")
    assert total[2 + 2] == quarter_received_in_period(world)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed (scripts/install_services.sh installs libreoffice-calc)"
    path = tmp_path / "report.xlsx"
    path.write_bytes(content)
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "report.pdf"
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr and pdf.exists() and pdf.stat().st_size > 5000
    assert pdf.read_bytes()[:5] == b"%PDF-"


def quarter_received_in_period(world):
    from cases.reports import compute, specs

    period, regime = specs.standard_period("q3", 2026)
    return compute.compute_report(world.hn, period, regime).form("02/XLD").values["total"][3]


def test_filing_from_the_page_then_the_difference_after_a_correction(world, quarter, login, frozen):
    from .conftest import at

    client = login(world.user(Role.HEAD_OF_AGENCY))
    response = client.post(
        reverse("periodic_reports:view") + "?authority=HN&kind=q3&year=2026",
        {
            "number": "215/BC-UBND",
            "report_date": "18/09/2026",
            "signer_name": "Nguyễn Văn Chủ",
            "signer_title": "Chủ tịch UBND Thành phố",
            "recipients": "Thanh tra Chính phủ",
        },
    )
    filed = FiledReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("periodic_reports:filed", args=[filed.pk])
    page = client.get(response.url).content.decode()
    assert "Bản đã nộp, lần 1" in page and "Nguyễn Văn Chủ" in page and "CHỦ TỊCH UBND THÀNH PHỐ" in page
    assert "Nội dung bản đã nộp khớp mã kiểm tra" in page
    link = re.search(r'href="(/admin/reports/filed/\d+/cell/\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert client.get(link).status_code == 200
    assert "no-diff" in client.get(reverse("periodic_reports:diff", args=[filed.pk])).content.decode()
    frozen(at(2026, 12, 1, 10))
    services.case_classify(
        case=quarter.cases["edge_last_minute"], actor=world.user(Role.INTAKE), kind="denunciation"
    )
    diff = client.get(reverse("periodic_reports:diff", args=[filed.pk])).content.decode()
    assert 'data-testid="diff-row"' in diff and quarter.cases["edge_last_minute"].reference in diff
    workbook = client.get(reverse("periodic_reports:filed", args=[filed.pk]) + "?format=xlsx")
    assert workbook.status_code == 200 and workbook["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def test_a_cell_list_hides_what_its_viewer_may_not_open_and_keeps_the_count(world, quarter, login):
    """Issue 16 (findings 3, 4, 7) for the report drill-down: the one staff scope decides which
    counted cases open; the accused sees that a case is counted, not which one; an auditor reads
    the subject without the identity typed into it."""
    from cases.models import Case, Party
    from cases.scope import forget

    head = world.user(Role.HEAD_OF_AGENCY)
    params = {**Q3, "form": "02/XLD", "col": "3", "row": "total"}
    before = login(head).get(reverse("periodic_reports:cell"), params).content.decode()
    count = re.search(r'data-testid="cell-count">(\d+)', before).group(1)
    listed = re.findall(r'<td class="kntc-nowrap"><a href="[^"]+">([^<]+)</a>', before)
    assert listed, before[:2000]
    case = Case.objects.get(reference=listed[0])
    party = Party.objects.filter(case=case).first()
    case.accused_user = head
    if party:
        case.subject = f"Tố cáo việc ông {party.full_name} bị chèn ép"
    case.save(update_fields=["accused_user", "subject"])
    forget(head)
    after = login(head).get(reverse("periodic_reports:cell"), params).content.decode()
    assert re.search(r'data-testid="cell-count">(\d+)', after).group(1) == count
    assert case.reference not in after and 'data-testid="cell-hidden"' in after
    if party:
        auditor = (
            login(world.user(Role.AUDITOR)).get(reverse("periodic_reports:cell"), params).content.decode()
        )
        assert case.reference in auditor and party.full_name not in auditor
