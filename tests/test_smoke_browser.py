"""The real browser reaches the live site (Debian's Chromium through Playwright)."""

import pytest


@pytest.mark.browser
def test_home_page_renders_in_chromium(page, artifacts_dir):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Tiếp nhận khiếu nại, tố cáo"
    assert page.locator("html").get_attribute("lang") == "vi"
    page.screenshot(path=str(artifacts_dir / "home.png"), full_page=True)
