"""Date and time inputs of the workspace: Wagtail's pickers (served from the site's own static
files, no CDN) in the day-first format Vietnamese officers write (``WAGTAIL_DATE_FORMAT``,
``config/formats/vi``), with the format shown in the empty field."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

DATE_HINT = _("ngày/tháng/năm, ví dụ 28/11/2026")
DATETIME_HINT = _("ngày/tháng/năm giờ:phút, ví dụ 28/11/2026 09:30")


class DateInput(AdminDateInput):
    def __init__(self, attrs=None, format=None):
        super().__init__(attrs={"placeholder": "dd/mm/yyyy", **(attrs or {})}, format=format)


class DateTimeInput(AdminDateTimeInput):
    def __init__(self, attrs=None, format=None, time_format=None):
        super().__init__(
            attrs={"placeholder": "dd/mm/yyyy hh:mm", **(attrs or {})}, format=format, time_format=time_format
        )
