"""One row per escalation sweep: when it ran, how long it took and what it did, so the dashboard
and the heads' home pages can say when cases were last checked (and whether that failed)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SweepRun(models.Model):
    started_at = models.DateTimeField(_("bắt đầu"), db_index=True)
    # None while the chunks of a sweep spread over the workers are still running (decision 0014).
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    seconds = models.FloatField(_("thời gian chạy (giây)"))
    examined = models.PositiveIntegerField(_("số hồ sơ đến hạn đã xét"), default=0)
    warnings = models.PositiveIntegerField(_("cảnh báo sắp đến hạn"), default=0)
    escalations = models.PositiveIntegerField(_("bước chuyển cấp"), default=0)
    stalled = models.PositiveIntegerField(_("hồ sơ ngưng trệ mới"), default=0)
    notices = models.PositiveIntegerField(_("thông báo đã lập"), default=0)
    failed_chunks = models.PositiveIntegerField(_("nhóm hồ sơ lỗi"), default=0)
    # The sweep itself raised: nothing after the failing point was done.
    error = models.CharField(_("lỗi"), max_length=200, blank=True)
    # A sweep planned as chunk tasks: how many were sent, how many have finished.
    chunks_total = models.PositiveIntegerField(_("số nhóm hồ sơ"), default=0)
    chunks_done = models.PositiveIntegerField(_("số nhóm đã xong"), default=0)

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


class SweepChunk(models.Model):
    """One chunk of a sweep spread over the workers, written in the chunk's own transaction (or,
    for a chunk that failed, after its rollback): a chunk redelivered after it committed finds its
    row and does nothing; the counts of the run are the sum of its chunks."""

    run = models.ForeignKey(SweepRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    examined = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    escalations = models.PositiveIntegerField(default=0)
    stalled = models.PositiveIntegerField(default=0)
    notices = models.PositiveIntegerField(default=0)
    failed = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="sweep_chunk_once")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.index}"
