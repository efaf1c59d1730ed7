"""Filed periodic reports, frozen: the figures and the facts of every case, visit and session they
counted at the moment of filing, hashed (SHA-256 over a canonical serialisation) and stored, so a
later correction shows as a difference against the filed version and never silently changes what
was sent. Append-only: a filed report cannot be changed or deleted; a corrected report is filed as a
new version that names the one it replaces."""

from __future__ import annotations

import gzip
import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Authority


class FiledReportQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("a filed report is frozen")

    def delete(self):
        raise PermissionError("a filed report is frozen")


def canonical(data) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


class FiledReport(models.Model):
    authority = models.ForeignKey(
        Authority, verbose_name=_("cơ quan báo cáo"), on_delete=models.PROTECT, related_name="filed_reports"
    )
    regime = models.CharField(_("chế độ báo cáo"), max_length=20)
    period_kind = models.CharField(_("kỳ báo cáo"), max_length=10)
    period_year = models.PositiveSmallIntegerField(null=True, blank=True)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    version = models.PositiveSmallIntegerField(_("lần nộp"), default=1)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    number = models.CharField(_("số báo cáo"), max_length=60)
    report_date = models.DateField(_("ngày báo cáo"))
    signer_name = models.CharField(_("người ký"), max_length=200)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=255)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)
    # {form code: {row key: {column: figure}}}, the reporting units ([key, label, code]) and the
    # facts each source's snapshot rows carry.
    cells = models.JSONField()
    rows = models.JSONField()
    facts = models.JSONField()
    # gzip of the canonical JSON {source: [[id, authority id, matter, people, *facts], ...]}.
    snapshot = models.BinaryField()
    content_hash = models.CharField(max_length=64, unique=True)

    objects = FiledReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("báo cáo đã nộp")
        verbose_name_plural = _("báo cáo đã nộp")
        ordering = ["-filed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "regime", "period_start", "period_end", "version"],
                name="filed_report_version_unique",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.authority.code} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y} v{self.version}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise PermissionError("a filed report is frozen")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("a filed report is frozen")

    # ---------------------------------------------------------------- content

    @staticmethod
    def pack(objects: dict) -> bytes:
        # mtime=0: the same content always gives the same bytes.
        return gzip.compress(canonical(objects), mtime=0)

    def objects_snapshot(self) -> dict[str, list[list]]:
        return json.loads(gzip.decompress(bytes(self.snapshot)))

    @staticmethod
    def compute_hash(header: dict, cells: dict, rows: list, facts: dict, snapshot: bytes) -> str:
        digest = hashlib.sha256()
        digest.update(canonical({"header": header, "cells": cells, "rows": rows, "facts": facts}))
        digest.update(hashlib.sha256(gzip.decompress(snapshot)).digest())
        return digest.hexdigest()

    def header(self) -> dict:
        return {
            "authority": self.authority.code,
            "regime": self.regime,
            "period_kind": self.period_kind,
            "period_year": self.period_year,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "version": self.version,
            "replaces": self.replaces.content_hash if self.replaces is not None else None,
            "number": self.number,
            "report_date": self.report_date.isoformat(),
            "signer_name": self.signer_name,
            "signer_title": self.signer_title,
            "recipients": self.recipients,
            "filed_by": self.filed_by_id,
            "filed_at": self.filed_at.isoformat(timespec="microseconds"),
        }

    def verify(self) -> bool:
        """Does the stored content still hash to the stored hash?"""
        return self.compute_hash(self.header(), self.cells, self.rows, self.facts, bytes(self.snapshot)) == (
            self.content_hash
        )
