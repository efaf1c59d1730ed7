"""The notification outbox: one row per message, written in the same transaction as the change that
causes it and sent by a Celery task after commit (``notifications.services``).

A row never holds a party's identity in clear: the channel address of a citizen is encrypted like
the rest of ``cases.Party``, and the context is redacted of every party identity before it is stored
(Law on Denunciations 2018, Art 56). The one secret a row may carry, the receipt's access key
for the party who filed, is kept encrypted in ``secrets_enc`` only until the message is delivered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.crypto import EncryptedTextField


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử")
        SMS = "sms", _("Tin nhắn SMS")
        INAPP = "inapp", _("Hộp thư trong hệ thống")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        # The attempt is recorded and the message is being handed to the SMTP server or the gateway.
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi không thành công")
        # The send began but its outcome was never learnt (the worker died, the connection broke after
        # the whole message was handed over) and the gateway cannot be asked: staff decide.
        UNKNOWN = "unknown", _("Chưa rõ đã gửi được chưa")
        CANCELLED = "cancelled", _("Đã hủy (không gửi)")

    # Exactly one kind of recipient: a staff user, or a case party reached by ``address``.
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ nhận"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    party = models.ForeignKey(
        "cases.Party",
        verbose_name=_("người gửi đơn nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    # E-mail address or phone number the message goes to, encrypted at rest (identity data).
    address = EncryptedTextField(_("địa chỉ nhận"), blank=True)
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    template = models.CharField(_("mẫu"), max_length=60)
    context = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    # Secrets for the citizen's own message only (the receipt's access key): a JSON object encrypted
    # with ``cases.crypto.encrypt``, decrypted at send time and wiped once the row is sent, has
    # finally failed or is cancelled. Never shown to staff, never in ``context``, ``subject`` or
    # ``body``.
    secrets_enc = models.TextField(blank=True, default="", editable=False)
    language = models.CharField(_("ngôn ngữ"), max_length=5, default="vi")
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("số lần gửi tối đa"), default=5)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    dedupe_key = models.CharField(_("khóa chống trùng"), max_length=255, unique=True)
    # What was actually sent (rendered at send time), for the inbox and the admin.
    subject = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    # The drain sends a pending row once this time has passed (backoff after a failure).
    next_attempt_at = models.DateTimeField(_("gửi lại sau"), default=timezone.now)
    # When the row was last handed to the broker; None when that failed (broker down).
    queued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # When the current attempt was recorded (status "sending"), committed before anything is sent.
    attempt_started_at = models.DateTimeField(_("bắt đầu lần gửi lúc"), null=True, blank=True)
    # The Message-ID header every attempt of an e-mail carries (the same one each time, so a relay's
    # log or the recipient's mailbox can tell whether it arrived, and a repeat is recognisable).
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    # The SMS gateway's id of the accepted message (when it returns one).
    provider_id = models.CharField(_("mã của nhà cung cấp"), max_length=255, blank=True)
    read_at = models.DateTimeField(_("đọc lúc"), null=True, blank=True)
    resent_count = models.PositiveSmallIntegerField(_("số lần gửi lại thủ công"), default=0)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_status_next_idx"),
            models.Index(fields=["recipient_user", "channel", "read_at"], name="notif_inbox_idx"),
            models.Index(
                fields=["attempt_started_at"],
                name="notif_sending_idx",
                condition=Q(status="sending"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel="inapp") | Q(recipient_user__isnull=False),
                name="notif_inapp_needs_user",
            ),
        ]

    def __str__(self) -> str:
        # Never the address: __str__ ends up in logs and admin pages.
        return f"#{self.pk} {self.template} · {self.channel} · {self.status}"

    @property
    def is_for_citizen(self) -> bool:
        return self.recipient_user_id is None

    def recipient_label(self) -> str:
        """Who receives it, without identity: a staff username, or the party's role and case."""
        if self.recipient_user is not None:
            return self.recipient_user.get_username()
        if self.party_id:
            return str(self.party)
        return "—"
