"""The intake slip (giấy biên nhận, phiếu hẹn) an intake officer prints for a citizen who brought a
letter or came in person: reference, secret key (shown this once, never stored in clear), time of
receipt, the first deadline with its legal basis, what happens next, and a QR code to the tracking
page (reference only: the key is typed by hand). Rendered inside the registration response and
printed by the browser (a print stylesheet shows only the slip), so the key is never written to a
file, a session or a log."""

from __future__ import annotations

import segno
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import links
from ..models import Case
from . import common


def qr_svg(url: str) -> str:
    """An inline SVG QR code (segno, pure Python: no request leaves the site)."""
    svg = segno.make(url, error="m").svg_inline(scale=3, border=2, title=gettext("Mã QR trang tra cứu hồ sơ"))
    label = escape(gettext("Mã QR trang tra cứu"))
    # segno's own markup (the URL is encoded into path data, not copied as text); the label escaped.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S308


NEXT_STEPS = {
    Case.Kind.COMPLAINT: _(
        "Trong thời hạn nêu trên, cơ quan xem xét thụ lý và thông báo bằng văn bản cho người khiếu nại; "
        "nếu không thụ lý, thông báo nêu rõ lý do (Luật Khiếu nại 2011, Điều 27)."
    ),
    Case.Kind.DENUNCIATION: _(
        "Cơ quan kiểm tra điều kiện thụ lý, thông báo cho người tố cáo việc thụ lý hoặc không thụ lý, "
        "hoặc chuyển đơn đến cơ quan có thẩm quyền; danh tính người tố cáo được giữ bí mật "
        "(Luật Tố cáo 2018, Điều 24, 29, 47)."
    ),
    Case.Kind.PETITION: _(
        "Cơ quan xem xét, xử lý kiến nghị, phản ánh và trả lời người gửi theo quy định "
        "(Luật Tiếp công dân 2013, Điều 28)."
    ),
    Case.Kind.ANONYMOUS_REPORT: _(
        "Thông tin được xem xét để phục vụ công tác quản lý; không có thông báo kết quả cho người gửi "
        "(Luật Tố cáo 2018, Điều 25)."
    ),
}


def slip_context(result, user) -> dict:
    case = result.case
    first = sorted(result.deadlines, key=lambda d: d.due_date)[0] if result.deadlines else None
    url = links.tracking_url(case.reference)
    return {
        "case": case,
        "access_key": result.access_key,
        "received_at": case.received_at,
        "authority": case.authority.display_name(common.lang()) if case.authority else "",
        "deadline": first,
        "next_steps": str(NEXT_STEPS.get(case.kind, NEXT_STEPS[Case.Kind.PETITION])),
        "tracking_url": url,
        "qr": qr_svg(url),
        "officer": common.user_display(user),
        "attachments": case.attachments.count(),
    }
