"""What every browser walk checks on every page it visits: axe-core (from npm, injected) reports no
critical or serious violation, a staff page has no known English leak, and no request leaves the
site. Screenshots go to tests/artifacts/<folder>/ for a person to look at."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.leaks import english_leaks

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


@dataclass
class Walk:
    page: object
    base_url: str
    folder: Path
    size: str
    external: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    audited: list[str] = field(default_factory=list)

    def __post_init__(self):
        if not AXE.exists():
            raise AssertionError(
                f"axe-core is not installed at {AXE} (scripts/install_services.sh installs it)"
            )
        own = urlsplit(self.base_url).netloc

        def on_request(route):
            url = route.request.url
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about") or parts.netloc == own:
                route.continue_()
            else:
                self.external.append(url)
                route.abort()

        self.page.context.route("**/*", on_request)

    def check(self, name: str) -> None:
        """Audit the page as it is now (axe, English leaks on staff pages) and take a screenshot."""
        page = self.page
        page.wait_for_load_state("networkidle")
        url = page.url
        # axe from a same-origin URL this context answers itself: an inline script would be (rightly)
        # refused by the public pages' Content-Security-Policy (script-src 'self').
        if not getattr(self, "_axe_routed", False):
            page.context.route(
                "**/__kntc_axe__.js",
                lambda route: route.fulfill(path=str(AXE), content_type="application/javascript"),
            )
            self._axe_routed = True
        parts = urlsplit(url)
        page.add_script_tag(url=f"{parts.scheme}://{parts.netloc}/__kntc_axe__.js")
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
            }"""
        )
        for v in result:
            if v["impact"] in BLOCKING:
                self.problems.append(
                    f"[{self.size}] {name} {url}: axe {v['impact']} {v['id']} ({v['help']}) "
                    + json.dumps(v["nodes"], ensure_ascii=False)
                )
        path = urlsplit(url).path
        if path.startswith("/admin/"):
            leaks = english_leaks(page.content())
            if leaks:
                self.problems.append(f"[{self.size}] {name} {url}: English {leaks}")
        self.audited.append(url)
        self.shot(name)

    def shot(self, name: str) -> None:
        """The whole page: Wagtail scrolls inside its layout, so the viewport grows to the content
        for the picture and shrinks back after."""
        safe = re.sub(r"[^a-z0-9-]+", "-", name.lower())
        size = SIZES[self.size]
        height = self.page.evaluate(
            "Math.max(...Array.from(document.querySelectorAll('body, body *'))"
            ".map(e => e.scrollHeight || 0).slice(0, 4000), 0)"
        )
        self.page.set_viewport_size(
            {"width": size["width"], "height": max(size["height"], min(int(height), 8000))}
        )
        self.page.screenshot(path=str(self.folder / f"{safe}-{self.size}.png"), full_page=True)
        self.page.set_viewport_size(size)

    def finish(self) -> None:
        assert self.external == [], f"requests outside the site: {self.external}"
        assert self.problems == [], "\n".join(self.problems)


SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def login(walk: Walk, username: str, password: str = "demo") -> None:  # noqa: S107 - test accounts
    page = walk.page
    page.context.clear_cookies()
    page.goto("/admin/login/")
    walk.check(f"login-{username}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r".*/admin/$"))
