"""One row per escalation sweep: when it ran, how long it took and what it did, so the dashboard
and the heads' home pages can say when cases were last checked (and whether that failed)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SweepRun(models.Model):
    started_at = models.DateTimeField(_("bắt đầu"), db_index=True)
    finished_at = models.DateTimeField(_("kết thúc"))
    seconds = models.FloatField(_("thời gian chạy (giây)"))
    examined = models.PositiveIntegerField(_("số hồ sơ đến hạn đã xét"), default=0)
    warnings = models.PositiveIntegerField(_("cảnh báo sắp đến hạn"), default=0)
    escalations = models.PositiveIntegerField(_("bước chuyển cấp"), default=0)
    stalled = models.PositiveIntegerField(_("hồ sơ ngưng trệ mới"), default=0)
    notices = models.PositiveIntegerField(_("thông báo đã lập"), default=0)
    failed_chunks = models.PositiveIntegerField(_("nhóm hồ sơ lỗi"), default=0)
    # The sweep itself raised: nothing after the failing point was done.
    error = models.CharField(_("lỗi"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lượt rà soát thời hạn")
        verbose_name_plural = _("lượt rà soát thời hạn")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.examined})"

    @property
    def ok(self) -> bool:
        return not self.failed_chunks and not self.error

    @property
    def steps(self) -> int:
        return self.warnings + self.escalations
