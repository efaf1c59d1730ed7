"""Wagtail wiring of the protection screens (URLs under /admin/cases/<reference>/protection/) and
the labels of its timeline events. There is no menu entry: a protection is reached from its case,
by those who may know of it (``permissions.can_see_panel``)."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from cases.admin import common

from . import urls as protection_urls

EVENT_LABELS = {
    "protection.requested": _("Tiếp nhận đề nghị bảo vệ người tố cáo"),
    "protection.confirmed": _("Đề nghị bảo vệ khẩn cấp được thể hiện bằng văn bản"),
    "protection.applied": _("Quyết định áp dụng biện pháp bảo vệ"),
    "protection.referred": _("Đề nghị cơ quan có thẩm quyền áp dụng biện pháp bảo vệ"),
    "protection.refused": _("Thông báo không áp dụng biện pháp bảo vệ"),
    "protection.body_answered": _("Cơ quan có thẩm quyền trả lời đề nghị bảo vệ"),
    "protection.changed": _("Thay đổi, bổ sung biện pháp bảo vệ"),
    "protection.ended": _("Chấm dứt việc áp dụng biện pháp bảo vệ"),
    "protection.document_added": _("Bổ sung tài liệu vào hồ sơ bảo vệ"),
    "protection.notice_sent": _("Gửi thông báo cho người được bảo vệ"),
    "protection.identity_read": _("Xem nhân thân người được bảo vệ"),
}
common.EVENT_LABELS.update(EVENT_LABELS)


@hooks.register("register_admin_urls")
def register_protection_urls():
    return [
        path(
            "cases/", include((protection_urls.urlpatterns, "protection_admin"), namespace="protection_admin")
        )
    ]
