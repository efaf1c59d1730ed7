"""Signed documents and the delivery of results.

A ``SignedDocument`` is the record of one issued decision or notice: the signed PDF (a
``cases.Attachment``), its SHA-256, the signatory, the certificate's fingerprint and the document
number. It is immutable: once written, ``save()`` refuses changes (the same digest is on the case's
``document.signed`` event, so the hash chain holds it too).

A ``Delivery`` is one sending of a result to one recipient by one channel (e-mail, SMS notice, post,
in person at the desk), with its proof (postal service and tracking number, the date handed over,
the date received or returned; the scanned receipt signed at the desk). A returned letter does not
undo the dispatch that met the sending limit: it leaves a new pending delivery to the same recipient
(``retry_of``), which stays on the clerk's list until it is sent (decision 0008).

Both are history-tracked (django-simple-history); writes go through ``cases.delivery.services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.crypto import EncryptedTextField
from config.bulk import HistoryGuardedManager


class SignedDocument(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="signed_documents")
    # The signed PDF the case issued (what citizens download and anyone can verify).
    attachment = models.OneToOneField(
        "cases.Attachment", on_delete=models.PROTECT, related_name="signed_document"
    )
    # The DOCX (or unsigned PDF) it was made from; kept internal once the signed copy exists.
    source = models.ForeignKey(
        "cases.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("tên văn bản"), max_length=255)
    document_number = models.CharField(_("số văn bản"), max_length=60, blank=True, db_index=True)
    # Who the document is addressed to (``cases.documents.NoticeTemplate.recipient``).
    recipient = models.CharField(max_length=20, blank=True)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    pdfa = models.BooleanField(_("PDF/A"), default=False)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("người ký"), max_length=255)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=255)
    authority_name = models.CharField(_("cơ quan ban hành"), max_length=255)
    certificate_subject = models.CharField(max_length=500)
    certificate_issuer = models.CharField(max_length=500)
    certificate_serial = models.CharField(max_length=100)
    # SHA-256 of the signing certificate (DER), hex.
    certificate_sha256 = models.CharField(_("dấu vân tay chứng thư số"), max_length=64)
    signed_at = models.DateTimeField(_("thời điểm ký"), default=timezone.now)

    objects = HistoryGuardedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("văn bản đã ký số")
        verbose_name_plural = _("văn bản đã ký số")
        ordering = ["case", "signed_at"]

    def __str__(self) -> str:
        return f"{self.document_number or self.title} ({self.sha256[:12]})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("a signed document is immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("a signed document is immutable")


class Delivery(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử")
        SMS = "sms", _("Tin nhắn SMS (thông báo)")
        POST = "post", _("Bưu chính")
        IN_PERSON = "in_person", _("Trao trực tiếp tại cơ quan")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        DELIVERED = "delivered", _("Đã nhận")
        RETURNED = "returned", _("Bị trả lại")

    class Recipient(models.TextChoices):
        PARTY = "party", _("Người gửi đơn")
        ACCUSED = "accused", _("Người bị khiếu nại, tố cáo")
        AUTHORITY = "authority", _("Cơ quan, tổ chức")
        OTHER = "other", _("Người có quyền, nghĩa vụ liên quan")

    class PostalService(models.TextChoices):
        VNPOST = "vnpost", _("Bưu điện Việt Nam (VNPost)")
        VIETTEL = "viettel_post", _("Viettel Post")
        OTHER = "other", _("Doanh nghiệp bưu chính khác")

    class ReturnReason(models.TextChoices):
        ADDRESS = "address", _("Sai hoặc không tìm thấy địa chỉ")
        MOVED = "moved", _("Người nhận đã chuyển đi")
        REFUSED = "refused", _("Người nhận từ chối nhận")
        UNCLAIMED = "unclaimed", _("Không có người nhận, hết thời hạn lưu")
        OTHER = "other", _("Lý do khác")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deliveries")
    # What was sent: the signed PDF (or, where no key is configured, the issued file).
    attachment = models.ForeignKey("cases.Attachment", on_delete=models.PROTECT, related_name="deliveries")
    recipient_kind = models.CharField(_("người nhận"), max_length=20, choices=Recipient.choices)
    # A party's name and address are read from the (encrypted) Party when needed, never copied.
    party = models.ForeignKey(
        "cases.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    # For other recipients (an agency, the accused): who, and where. Encrypted like identity.
    recipient_name = EncryptedTextField(_("tên người nhận"), blank=True)
    address = EncryptedTextField(_("địa chỉ"), blank=True)
    contact = EncryptedTextField(_("thư điện tử / điện thoại"), blank=True)
    channel = models.CharField(_("hình thức gửi"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    postal_service = models.CharField(
        _("doanh nghiệp bưu chính"), max_length=20, choices=PostalService.choices, blank=True
    )
    tracking_number = models.CharField(_("số hiệu bưu gửi"), max_length=40, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("thời điểm gửi / giao"), null=True, blank=True, db_index=True)
    received_on = models.DateField(_("ngày người nhận nhận được"), null=True, blank=True)
    returned_on = models.DateField(_("ngày bị trả lại"), null=True, blank=True)
    return_reason = models.CharField(
        _("lý do trả lại"), max_length=20, choices=ReturnReason.choices, blank=True
    )
    # The receipt signed at the desk, or the postal proof of delivery, scanned.
    proof = models.ForeignKey(
        "cases.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("ghi chú"), blank=True)
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="retries"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = HistoryGuardedManager()
    history = HistoricalRecords(excluded_fields=["recipient_name", "address", "contact"])

    class Meta:
        verbose_name = _("việc gửi kết quả")
        verbose_name_plural = _("việc gửi kết quả")
        ordering = ["case", "created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_status_created_idx")]

    def __str__(self) -> str:
        # Never a name or an address: __str__ ends up in logs and breadcrumbs.
        return f"{self.case_id} · {self.get_recipient_kind_display()} · {self.get_channel_display()}"

    @property
    def live(self) -> bool:
        """A dispatch that stands: sent or delivered (not pending, not returned)."""
        return self.status in (self.Status.SENT, self.Status.DELIVERED)
