"""Role grants that wait for approval, the append-only grant log, and signed event checkpoints.

``GrantLogEntry`` and ``EventCheckpoint`` are append-only in the ORM (their querysets and ``save``
refuse changes) and in PostgreSQL (a trigger refuses UPDATE and DELETE, migration 0001): nobody
who reaches the application, the grantee included, can rewrite who gave them a role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Authority, Role


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(f"{self.model.__name__} is append-only")

    def delete(self):
        raise PermissionError(f"{self.model.__name__} is append-only")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} is append-only")


class GrantRequest(models.Model):
    """A role asked for someone, waiting for a head of agency at that scope (``cases.audit.grants``)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ phê duyệt")
        APPROVED = "approved", _("Đã phê duyệt")
        REFUSED = "refused", _("Không phê duyệt")
        WITHDRAWN = "withdrawn", _("Đã rút yêu cầu")

    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.PROTECT, related_name="+"
    )
    authority = models.ForeignKey(
        Authority, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="grant_requests"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người đề nghị"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("ngày đề nghị"), default=timezone.now)
    why = models.TextField(_("lý do cần phê duyệt"), blank=True)
    state = models.CharField(_("trạng thái"), max_length=20, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("ngày quyết định"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("yêu cầu phân quyền")
        verbose_name_plural = _("yêu cầu phân quyền")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["grantee", "authority", "role"],
                condition=models.Q(state="pending"),
                name="grant_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.grantee} · {self.get_role_display()} · {self.authority.code} ({self.get_state_display()})"
        )


class GrantLogEntry(AppendOnly):
    """One grant, revocation, request or decision about a staff role. Append-only."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Đề nghị cấp quyền")
        APPROVED = "approved", _("Phê duyệt")
        REFUSED = "refused", _("Không phê duyệt")
        WITHDRAWN = "withdrawn", _("Rút đề nghị")
        GRANTED = "granted", _("Cấp quyền")
        REVOKED = "revoked", _("Thu hồi quyền")

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    action = models.CharField(_("thao tác"), max_length=20, choices=Action.choices)
    # Null: the system (seeding, a migration, a management command run by an operator).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.PROTECT, related_name="+"
    )
    authority = models.ForeignKey(
        Authority, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    request = models.ForeignKey(
        GrantRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="log"
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("nhật ký phân quyền")
        verbose_name_plural = _("nhật ký phân quyền")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        when = f"{self.at:%d/%m/%Y %H:%M}"
        return f"{when} {self.get_action_display()} {self.grantee} {self.role}@{self.authority.code}"


class EventCheckpoint(AppendOnly):
    """A signed statement of every case's event-chain head up to a moment (``cases.audit.checkpoints``).

    ``root`` is the Merkle root over the (case id, event number, event hash) leaves in case order;
    ``signature`` is Ed25519 over the canonical ``statement``, with a key kept outside the database
    (``EVENT_CHECKPOINT_KEY_FILE``). The leaves themselves go into the exported file (sent to the
    superior agency), which ``verify_event_chain --against`` reads to say which case was
    rewritten."""

    day = models.DateField(_("ngày"), unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    case_count = models.PositiveIntegerField()
    event_count = models.PositiveBigIntegerField()
    root = models.CharField(max_length=64)
    statement = models.TextField()  # the canonical JSON that was signed
    signature = models.CharField(max_length=128)
    key_id = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("điểm kiểm chứng nhật ký")
        verbose_name_plural = _("điểm kiểm chứng nhật ký")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.root[:12]}"
