"""Registering a paper letter: day-first dates, uploads kept when the form comes back with errors,
and the printable intake slip (reference, secret key, deadline with its basis, QR code)."""

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Case, Role
from tests.publicsite.conftest import pdf_bytes

from .conftest import PERSON

LETTER = {
    "channel": "post",
    "kind": "complaint",
    "subject": "Khiếu nại quyết định xử phạt vi phạm hành chính",
    "description": "Tôi không đồng ý với quyết định xử phạt số 312/QĐ-XPVPHC.",
    "contested_act": "Quyết định 312/QĐ-XPVPHC",
    "contested_act_known_on": "01/11/2026",
    "full_name": PERSON["full_name"],
    "national_id": PERSON["national_id"],
}


def test_day_first_dates_are_accepted(world, login):
    client = login(world.user(Role.INTAKE))
    response = client.post(
        "/admin/cases/register/",
        {**LETTER, "authority": world.hn_sxd.pk, "received_at": "28/11/2026 09:30"},
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    case = Case.objects.get(subject=LETTER["subject"])
    assert timezone.localtime(case.received_at).replace(tzinfo=None) == dt.datetime(2026, 11, 28, 9, 30)
    form_html = client.get("/admin/cases/register/").content.decode()
    assert 'placeholder="dd/mm/yyyy hh:mm"' in form_html and "28/11/2026 09:30" in form_html


def test_upload_survives_a_form_with_errors(world, login):
    client = login(world.user(Role.INTAKE))
    upload = SimpleUploadedFile("Đơn khiếu nại.pdf", pdf_bytes("thu"), content_type="application/pdf")
    bad = client.post(
        "/admin/cases/register/", {**LETTER, "subject": "", "authority": world.hn_sxd.pk, "files": upload}
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert 'data-testid="staged-files"' in html and "Đơn khiếu nại.pdf" in html
    token = re.search(r'name="staged_files" value="([^"]+)"', html).group(1)
    # Another officer cannot claim the staged files.
    other = login(world.user(Role.HEAD_OF_AGENCY))
    other.post("/admin/cases/register/", {**LETTER, "authority": world.hn_sxd.pk, "staged_files": token})
    assert Case.objects.get(subject=LETTER["subject"]).attachments.count() == 0
    client = login(world.user(Role.INTAKE))
    good = client.post(
        "/admin/cases/register/",
        {**LETTER, "subject": "Đơn có tệp", "authority": world.hn_sxd.pk, "staged_files": token},
    )
    assert good.status_code == 200
    case = Case.objects.get(subject="Đơn có tệp")
    assert case.attachments.count() == 1


def test_the_slip_carries_what_the_citizen_needs(world, login):
    client = login(world.user(Role.INTAKE))
    html = client.post("/admin/cases/register/", {**LETTER, "authority": world.hn_sxd.pk}).content.decode()
    case = Case.objects.get(subject=LETTER["subject"])
    slip = html[html.index('data-testid="slip"') :]
    key = re.search(r'data-testid="access-key">([^<]+)<', html).group(1)
    assert case.reference in slip and key in slip
    deadline = case.deadlines.order_by("due_date").first()
    assert deadline.due_date.strftime("%d/%m/%Y") in slip and deadline.legal_basis_vi in slip
    assert "<svg" in slip and "/tra-cuu/?ma=" + case.reference in slip
    assert key not in slip[slip.index("<svg") : slip.index("</svg>")]  # the QR code never holds the key
    assert "GIẤY BIÊN NHẬN" in slip and "Cán bộ tiếp nhận" in slip
    assert "mã tra cứu" not in html.lower()
