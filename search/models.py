"""State the search layer keeps in the database.

``PendingIndex`` is the outbox of index writes: every change marks its cases here inside its own
transaction (``sync.mark_pending``; ``attempts`` 0), the index task deletes the mark once the
case's current state is in the index, and a failed attempt (cluster down, timeout, the database
restarting) leaves it with ``attempts`` counted and ``last_error``. ``search_drain_task`` (every
minute) and the nightly reconcile index whatever is still marked. ``first_failed_at`` and
``last_failed_at`` are when the case was first and last marked (by a change or a failure).

``CaseSearchEntry`` is the database backend's own small index: folded tokens for accent-insensitive
full-text search on SQLite and PostgreSQL alike, and the document fingerprint for drift checks."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingIndex(models.Model):
    # Not a foreign key: a deleted case must still be removed from the index.
    case_id = models.BigIntegerField(_("mã hồ sơ (id)"), unique=True)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=1)
    first_failed_at = models.DateTimeField(_("lỗi lần đầu"), default=timezone.now)
    last_failed_at = models.DateTimeField(_("lỗi gần nhất"), default=timezone.now, db_index=True)
    last_error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("hồ sơ chờ cập nhật chỉ mục")
        verbose_name_plural = _("hồ sơ chờ cập nhật chỉ mục")
        ordering = ["first_failed_at"]

    def __str__(self) -> str:
        return f"case {self.case_id} ({self.attempts})"


class CaseSearchEntry(models.Model):
    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    # " tok1 tok2 ... ": folded tokens of subject and description, padded so " tok " matches words.
    text_folded = models.TextField()
    fingerprint = models.CharField(max_length=64)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chỉ mục tìm kiếm (cơ sở dữ liệu)")
        verbose_name_plural = _("chỉ mục tìm kiếm (cơ sở dữ liệu)")

    def __str__(self) -> str:
        return f"search entry {self.case_id}"
