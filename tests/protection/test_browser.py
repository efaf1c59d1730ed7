"""The protection panel walked in Debian's Chromium (Law on Denunciations 2018 Arts 48-53, 56): the
intake officer, who needs to know, records the denouncer's written request; the head decides to
apply protection; the case page's panel shows the request and the decision; the assigned inspector,
who has no need to know, sees neither the panel nor the denouncer's identity. Screenshots go to
tests/artifacts/protection/."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import Role
from cases.protection.models import ProtectionRequest
from tests.workspace.test_browser import login, shot

from .conftest import DENOUNCER, DENOUNCER_ADDRESS, denunciation

pytestmark = pytest.mark.browser


@pytest.fixture
def shots(artifacts_dir):
    folder = artifacts_dir / "protection"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _submit(page):
    page.click("[data-testid=protection-form] button[type=submit]")
    page.wait_for_selector("[data-testid=case-status]")


def test_protection_panel_walk(transactional_db, world, page, shots):
    case = denunciation(world)
    services.case_assign(case=case, actor=world.user(Role.HEAD_OF_UNIT), assignee=world.user(Role.INSPECTOR))

    # 1. The intake officer records the written request from the panel.
    login(page, world.user(Role.INTAKE).username)
    page.goto(f"/admin/cases/{case.reference}/")
    panel = page.locator("[data-testid=protection-panel]")
    panel.wait_for()
    page.goto(reverse("protection_admin:new", args=[case.reference]))
    page.select_option("#id_channel", "written")
    page.fill("#id_requested_on", "05/10/2026")
    page.check("#id_signed")
    page.fill("#id_reasons", "Người bị tố cáo đe dọa tôi sau khi biết tôi tố cáo.")
    page.check("input[name=measures][value=confidentiality]")
    shot(page, shots, "bv-01-request-form")
    _submit(page)
    req = ProtectionRequest.objects.get(case=case)

    # 2. The head decides to apply protection.
    login(page, world.user(Role.HEAD_OF_UNIT).username)
    page.goto(reverse("protection_admin:step", args=[case.reference, req.pk, "apply"]))
    page.check("input[name=measures][value=confidentiality]")
    page.fill("#id_basis", "Luật Tố cáo 2018, Điều 51, 52, 56")
    page.fill("#id_responsibilities", "Tổ xác minh giữ bí mật thông tin người tố cáo")
    page.fill("#id_starts_on", "06/10/2026")
    shot(page, shots, "bv-02-decision-form")
    _submit(page)
    req.refresh_from_db()
    assert req.status == "applied", req.status

    # 3. The panel shows the request and the decision.
    page.goto(f"/admin/cases/{case.reference}/")
    panel = page.locator("[data-testid=protection-panel]")
    panel.wait_for()
    text = panel.inner_text()
    assert f"BV-{req.pk}" in text
    shot(page, shots, "bv-03-panel")

    # 4. The assigned inspector sees no panel and no identity.
    login(page, world.user(Role.INSPECTOR).username)
    page.goto(f"/admin/cases/{case.reference}/")
    page.wait_for_selector("[data-testid=case-status]")
    html = page.content()
    assert page.locator("[data-testid=protection-panel]").count() == 0
    assert DENOUNCER not in html and DENOUNCER_ADDRESS not in html and f"BV-{req.pk}" not in html
    shot(page, shots, "bv-04-inspector")
