"""The protection of a denouncer as rows: one ``ProtectionRequest`` per request (Law on
Denunciations 2018 Art 50) with the people to protect (``ProtectedPerson``, Art 47(1)), the
protection file (``ProtectionDocument``, Arts 53(1)(b), 55) and the notices owed to the protected
people (``ProtectionNotice``, Arts 51(3), 52(3), 54(3)).

Everything that names or locates a person, and every free text (which may quote a name), is an
``EncryptedTextField``: the same encryption at rest as ``cases.Party``. None of these rows is part
of a search document, a public page, the API or a notification (``tests/protection/test_leaks.py``).
Writes go through ``cases.protection.services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.bulk import HistoryGuardedManager

from ..crypto import EncryptedTextField


class Channel(models.TextChoices):
    """How the request reached the resolver (Art 50(1) written; Art 50(3) urgent, in person or by
    phone, then confirmed in writing)."""

    WRITTEN = "written", _("Văn bản")
    PHONE = "phone", _("Điện thoại (khẩn cấp)")
    IN_PERSON = "in_person", _("Trực tiếp (khẩn cấp)")


class Measure(models.TextChoices):
    """What is to be protected (Art 47(1)) and the measures of Arts 56–58."""

    CONFIDENTIALITY = "confidentiality", _("Bí mật thông tin (Điều 56)")
    JOB_POSITION = "job_position", _("Vị trí công tác của cán bộ, công chức, viên chức (Điều 57 khoản 1)")
    EMPLOYMENT = "employment", _("Việc làm của người lao động theo hợp đồng (Điều 57 khoản 2)")
    LIFE_HEALTH = "life_health", _("Tính mạng, sức khỏe (Điều 58)")
    PROPERTY = "property", _("Tài sản (Điều 58)")
    HONOUR = "honour", _("Danh dự, nhân phẩm (Điều 58)")


class Relation(models.TextChoices):
    """Who may be protected: the denouncer and their spouse, natural and adoptive parents, natural
    and adopted children (Art 47(1)); nobody else."""

    DENOUNCER = "denouncer", _("Người tố cáo")
    SPOUSE = "spouse", _("Vợ/chồng")
    FATHER = "father", _("Cha đẻ")
    MOTHER = "mother", _("Mẹ đẻ")
    ADOPTIVE_FATHER = "adoptive_father", _("Cha nuôi")
    ADOPTIVE_MOTHER = "adoptive_mother", _("Mẹ nuôi")
    CHILD = "child", _("Con đẻ")
    ADOPTED_CHILD = "adopted_child", _("Con nuôi")


class ProtectionRequest(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Đã tiếp nhận, chờ xem xét")
        REFERRED = "referred", _("Đã đề nghị cơ quan có thẩm quyền")
        APPLIED = "applied", _("Đang áp dụng biện pháp bảo vệ")
        REFUSED = "refused", _("Không áp dụng (đã thông báo lý do)")
        ENDED = "ended", _("Đã chấm dứt")

    class EndGround(models.TextChoices):
        CONCLUSION = "conclusion", _("Đã có kết luận nội dung tố cáo (Điều 54 khoản 2 điểm a)")
        TERMINATION = "termination", _("Đã đình chỉ giải quyết tố cáo (Điều 54 khoản 2 điểm a)")
        GROUNDS_CEASED = "grounds_ceased", _("Căn cứ áp dụng không còn (Điều 54 khoản 2 điểm b)")
        ON_REQUEST = (
            "on_request",
            _("Theo đề nghị bằng văn bản của người được bảo vệ (Điều 54 khoản 2 điểm b)"),
        )
        BREACH = "breach", _("Người được bảo vệ cố ý vi phạm nghĩa vụ (Luật 136/2025, từ 01/07/2026)")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="protection_requests")
    channel = models.CharField(_("hình thức đề nghị"), max_length=20, choices=Channel.choices)
    urgent = models.BooleanField(_("khẩn cấp"), default=False)
    requested_on = models.DateField(_("ngày đề nghị"))
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), default=timezone.now)
    # Art 50(2)(c): the reasons and content; may quote names, hence encrypted.
    reasons = EncryptedTextField(_("lý do, nội dung đề nghị"))
    measures_requested = models.JSONField(_("nội dung đề nghị bảo vệ"), default=list)
    signed = models.BooleanField(_("có chữ ký hoặc điểm chỉ của người tố cáo"), default=False)
    # Art 50(3): an urgent oral request is then put in writing.
    confirmed_on = models.DateField(_("ngày có văn bản xác nhận"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ thụ lý đề nghị"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.ForeignKey(
        "cases.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The decision (Art 52), the request to the competent body (Art 51(1)) or the refusal (Art 51(3)).
    decided_at = models.DateTimeField(_("thời điểm quyết định"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    decision_basis = EncryptedTextField(_("căn cứ"), blank=True)
    measures_applied = models.JSONField(_("biện pháp bảo vệ áp dụng"), default=list)
    responsibilities = EncryptedTextField(_("trách nhiệm thực hiện"), blank=True)
    starts_on = models.DateField(_("thời điểm bắt đầu bảo vệ"), null=True, blank=True)
    competent_body = models.CharField(_("cơ quan có thẩm quyền được đề nghị"), max_length=255, blank=True)
    refusal_reasons = EncryptedTextField(_("lý do không áp dụng"), blank=True)
    applied_by_body = models.BooleanField(_("do cơ quan có thẩm quyền quyết định"), default=False)
    ended_at = models.DateTimeField(_("thời điểm chấm dứt"), null=True, blank=True)
    end_ground = models.CharField(_("căn cứ chấm dứt"), max_length=20, choices=EndGround.choices, blank=True)
    end_note = EncryptedTextField(_("ghi chú chấm dứt"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HistoryGuardedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đề nghị bảo vệ người tố cáo")
        verbose_name_plural = _("đề nghị bảo vệ người tố cáo")
        ordering = ["case", "received_at"]

    def __str__(self) -> str:
        return f"BV-{self.pk}"

    @property
    def awaiting_confirmation(self) -> bool:
        return self.channel != Channel.WRITTEN and self.confirmed_on is None


class ProtectedPerson(models.Model):
    request = models.ForeignKey(ProtectionRequest, on_delete=models.CASCADE, related_name="persons")
    relation = models.CharField(_("quan hệ với người tố cáo"), max_length=20, choices=Relation.choices)
    # The denouncer is the case's Party; the relatives exist only here.
    party = models.ForeignKey(
        "cases.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    full_name = EncryptedTextField(_("họ và tên"))
    address = EncryptedTextField(_("địa chỉ"), blank=True)
    phone = EncryptedTextField(_("điện thoại"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = HistoryGuardedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("người được bảo vệ")
        verbose_name_plural = _("người được bảo vệ")
        ordering = ["request", "position"]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} #{self.position + 1}"


class ProtectionDocument(models.Model):
    """One document of the protection file, by the items of Art 55(2)."""

    class Kind(models.TextChoices):
        REQUEST = (
            "request",
            _("Văn bản đề nghị áp dụng biện pháp bảo vệ của người tố cáo (Điều 55 khoản 2 điểm a)"),
        )
        CONFIRMATION = "confirmation", _("Văn bản thể hiện đề nghị khẩn cấp (Điều 50 khoản 3)")
        REFERRAL = "referral", _("Yêu cầu, đề nghị của người giải quyết tố cáo (Điều 55 khoản 2 điểm a)")
        VERIFICATION = "verification", _("Kết quả xác minh thông tin về đề nghị (Điều 55 khoản 2 điểm b)")
        DECISION = "decision", _("Quyết định áp dụng biện pháp bảo vệ (Điều 55 khoản 2 điểm c)")
        REFUSAL = "refusal", _("Thông báo không áp dụng biện pháp bảo vệ, nêu rõ lý do (Điều 51 khoản 3)")
        CHANGE_REQUEST = (
            "change_request",
            _("Văn bản đề nghị thay đổi, bổ sung, chấm dứt (Điều 55 khoản 2 điểm d)"),
        )
        CHANGE_DECISION = (
            "change_decision",
            _("Quyết định thay đổi, bổ sung biện pháp bảo vệ (Điều 55 khoản 2 điểm đ)"),
        )
        COORDINATION = "coordination", _("Văn bản đề nghị phối hợp (Điều 55 khoản 2 điểm e)")
        REPORT = "report", _("Báo cáo kết quả thực hiện biện pháp bảo vệ (Điều 55 khoản 2 điểm g)")
        END_DECISION = (
            "end_decision",
            _("Quyết định chấm dứt việc áp dụng biện pháp bảo vệ (Điều 55 khoản 2 điểm h)"),
        )
        BODY_ANSWER = (
            "body_answer",
            _("Văn bản trả lời của cơ quan có thẩm quyền (Nghị định 31/2019, Điều 8)"),
        )
        OTHER = "other", _("Tài liệu khác (Điều 55 khoản 2 điểm i)")

    request = models.ForeignKey(ProtectionRequest, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("loại tài liệu"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    dated = models.DateField(_("ngày văn bản"))
    summary = EncryptedTextField(_("trích yếu, nội dung"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tài liệu hồ sơ bảo vệ")
        verbose_name_plural = _("hồ sơ áp dụng biện pháp bảo vệ")
        ordering = ["request", "dated", "created_at", "pk"]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class ProtectionNotice(models.Model):
    """A decision, change, end or refusal owed to one protected person (Arts 51(3), 52(3), 54(3)),
    and when and how it was sent."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Quyết định áp dụng biện pháp bảo vệ")
        REFERRAL = "referral", _("Thông báo đã đề nghị cơ quan có thẩm quyền")
        REFUSAL = "refusal", _("Thông báo không áp dụng, nêu rõ lý do")
        CHANGE = "change", _("Quyết định thay đổi, bổ sung biện pháp bảo vệ")
        END = "end", _("Quyết định, thông báo chấm dứt bảo vệ")

    class SendChannel(models.TextChoices):
        HAND = "hand", _("Giao trực tiếp")
        POST = "post", _("Bưu chính (thư bảo đảm)")
        OTHER = "other", _("Hình thức khác")

    request = models.ForeignKey(ProtectionRequest, on_delete=models.CASCADE, related_name="notices")
    person = models.ForeignKey(ProtectedPerson, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("loại thông báo"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    sent_channel = models.CharField(
        _("hình thức gửi"), max_length=20, choices=SendChannel.choices, blank=True
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("thông báo cho người được bảo vệ")
        verbose_name_plural = _("thông báo cho người được bảo vệ")
        ordering = ["request", "created_at", "pk"]

    def __str__(self) -> str:
        return str(self.get_kind_display())
