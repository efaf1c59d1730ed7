"""Verification work, verification reports and dialogues.

Sources: Law on Complaints 02/2011 Arts 29 (verification), 30 and 39 (dialogue), 31 and 40
(decision); Law on Denunciations 25/2018 Arts 31 (verification), 32 (report on the verification
result), 35 (conclusion); Decree 31/2019 Art 12 and Mẫu 08 (minutes), Mẫu 09 (expert assessment
request), Mẫu 10/11 (verification report); Decree 124/2020 as amended by Decree 155/2026 (dialogue
notice at least 5 days ahead; the minutes). All rows are history-tracked; writes go through
``cases.verification.services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.bulk import HistoryGuardedManager


class VerificationRecord(models.Model):
    """One piece of verification work on file: a working minutes (biên bản làm việc, Decree 31/2019
    Mẫu 08), evidence collected (tài liệu, chứng cứ: Law on Complaints Art 29(2)), an expert
    assessment (giám định: Law on Complaints Art 29(2); Law on Denunciations Art 31(3), Mẫu 09) or
    another step, with its date, a summary and, optionally, the scanned file."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", _("Biên bản làm việc, xác minh")
        EVIDENCE = "evidence", _("Tài liệu, chứng cứ thu thập")
        EXPERT = "expert", _("Giám định, ý kiến chuyên môn")
        OTHER = "other", _("Công việc xác minh khác")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="verification_records")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("ngày"))
    summary = models.TextField(_("nội dung tóm tắt"))
    attachment = models.ForeignKey(
        "cases.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = HistoryGuardedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("công việc xác minh")
        verbose_name_plural = _("công việc xác minh")
        ordering = ["case", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class VerificationReport(models.Model):
    """The report on the verification result (báo cáo kết quả xác minh: Law on Complaints Art 29(4);
    Law on Denunciations Art 32; Decree 31/2019 Mẫu 10/11) with the draft decision or conclusion,
    submitted by the handler to the head, who approves it, returns it with comments, or signs the
    decision (``ISSUED``)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Đã trình, chờ duyệt")
        RETURNED = "returned", _("Trả lại để hoàn thiện")
        APPROVED = "approved", _("Đã duyệt")
        ISSUED = "issued", _("Đã ban hành quyết định/kết luận")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="verification_reports")
    round = models.PositiveSmallIntegerField(_("lần trình"), default=1)
    findings = models.TextField(_("kết quả xác minh"))
    # Law on Complaints Art 30(1): a first-level dialogue is required when the complainant's demands
    # and the verification findings differ.
    findings_differ = models.BooleanField(
        _("kết quả xác minh khác với yêu cầu của người khiếu nại"), default=False
    )
    draft_outcome = models.CharField(_("kết quả dự kiến"), max_length=20, blank=True)
    draft_summary = models.TextField(_("dự thảo quyết định/kết luận"))
    attachment = models.ForeignKey(
        "cases.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("ý kiến của lãnh đạo"), blank=True)

    objects = HistoryGuardedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("báo cáo kết quả xác minh")
        verbose_name_plural = _("báo cáo kết quả xác minh")
        ordering = ["case", "round"]
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="verification_report_round")]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.round} {self.status}"


class Dialogue(models.Model):
    """A dialogue with the complainant (đối thoại: Law on Complaints Arts 30, 39): the written notice
    of time, place and content, sent at least 5 days ahead (K15, Decree 124/2020 as amended by
    Decree 155/2026), and once held, its minutes (biên bản đối thoại), signed by the participants."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Đã thông báo")
        HELD = "held", _("Đã đối thoại")
        ABSENT = "absent", _("Người khiếu nại vắng mặt không có lý do")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="dialogues")
    when = models.DateTimeField(_("thời điểm đối thoại"))
    place = models.CharField(_("địa điểm"), max_length=255)
    agenda = models.TextField(_("nội dung đối thoại"), blank=True)
    notice_sent_on = models.DateField(_("ngày gửi thông báo"), null=True, blank=True)
    notice_recipients = models.TextField(_("người nhận thông báo"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    held_on = models.DateField(_("ngày đối thoại"), null=True, blank=True)
    participants = models.TextField(_("thành phần tham dự"), blank=True)
    result = models.TextField(_("kết quả đối thoại"), blank=True)
    minutes = models.ForeignKey(
        "cases.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = HistoryGuardedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đối thoại")
        verbose_name_plural = _("đối thoại")
        ordering = ["case", "when"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.when:%d/%m/%Y %H:%M}"
