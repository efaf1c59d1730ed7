"""The case domain: authorities and staff roles, cases, parties (identity), attachments,
deadlines, the working-day calendar, the append-only event log and the identity access log.

Writes go through ``cases.services``; reads through ``cases.selectors``. History of Case, Party,
Attachment, Deadline and Assignment is kept by django-simple-history, so their managers
(``config.bulk.HistoryGuardedManager``) refuse ``QuerySet.update()`` and plain ``bulk_create()``.
The one bulk writer is the set-based pair ``services.case_escalate_many`` /
``services.case_flag_stalled_many`` (the escalation sweep's write path), which opens
``config.bulk.bulk_writer`` and pairs ``update_rows`` with ``copy_history`` (one history record per
case written) under the same row locks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.bulk import HistoryGuardedManager

from .crypto import EncryptedTextField


class Authority(models.Model):
    """A competent body (cơ quan có thẩm quyền), as data so the 2025 reorganisation and later ones
    are re-mappable without code (Law on Inspection 84/2025; two-tier local government)."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("Trung ương")
        PROVINCIAL = "provincial", _("Cấp tỉnh/thành phố")
        DEPARTMENT = "department", _("Sở, ngành cấp tỉnh")
        COMMUNE = "commune", _("Cấp xã/phường")

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=255)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=255, blank=True)
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes from the root ("/HN/HN-SXD/"), for "this body and its sub-units".
    path = models.CharField(max_length=500, editable=False, db_index=True, default="")
    remote_area = models.BooleanField(_("vùng sâu, vùng xa"), default=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name_vi

    def display_name(self, language: str = "vi") -> str:
        return self.name_en if language == "en" and self.name_en else self.name_vi

    def compute_path(self) -> str:
        parent_path = self.parent.path if self.parent is not None else "/"
        return f"{parent_path}{self.code}/"

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = self.compute_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Re-parenting moves the whole sub-tree (the chains are data, re-mappable any time).
            for child in self.children.all():
                child.save()

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Role(models.TextChoices):
    INTAKE = "intake", _("Cán bộ tiếp nhận, xử lý đơn")
    INSPECTOR = "inspector", _("Thanh tra viên (người xử lý)")
    HEAD_OF_UNIT = "head_of_unit", _("Trưởng phòng")
    HEAD_OF_AGENCY = "head_of_agency", _("Thủ trưởng cơ quan")
    AUDITOR = "auditor", _("Kiểm tra, giám sát (chỉ xem)")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


class Membership(models.Model):
    """A staff member's role in one authority (and, through ``Authority.path``, its sub-units)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("phân công cán bộ")
        verbose_name_plural = _("phân công cán bộ")
        constraints = [
            models.UniqueConstraint(fields=["user", "authority", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.authority.code}"


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("Khiếu nại")
    DENUNCIATION = "denunciation", _("Tố cáo")
    PETITION = "petition", _("Kiến nghị, phản ánh")
    # Law on Denunciations 2018 Art 25: not a tố cáo; may lead to an inspection for management.
    ANONYMOUS_REPORT = "anonymous_report", _("Tin báo nặc danh / không đủ thông tin")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    REJECTED = "rejected", _("Không thụ lý / xếp lưu")
    TRANSFERRED = "transferred", _("Đã chuyển đơn")
    GUIDED = "guided", _("Đã hướng dẫn")
    MERGED = "merged", _("Gộp vào hồ sơ trùng")
    ACCEPTED = "accepted", _("Đã thụ lý")
    VERIFYING = "verifying", _("Đang xác minh")
    DIALOGUE = "dialogue", _("Đối thoại")
    DECIDED = "decided", _("Đã có quyết định/trả lời")
    CONCLUDED = "concluded", _("Đã kết luận")
    PUBLISHED = "published", _("Đã công khai")
    CLOSED = "closed", _("Đã đóng hồ sơ")
    SUSPENDED = "suspended", _("Tạm đình chỉ")
    WITHDRAWN = "withdrawn", _("Đã rút đơn")
    TERMINATED = "terminated", _("Đình chỉ giải quyết")
    # The superior follows up a denunciation overdue at the lower body (Law on Denunciations 2018
    # Art 38(2)-(4)): it asked for a report and monitors while the lower body resolves.
    MONITORING = "monitoring", _("Cấp trên theo dõi, đôn đốc")


class Case(models.Model):
    Kind = CaseKind
    Status = CaseStatus

    class Level(models.TextChoices):
        FIRST = "first", _("Lần đầu")
        SECOND = "second", _("Lần hai")

    class ReviewTrack(models.TextChoices):
        """How a denouncer's follow-up at the superior is handled: not a new full case
        (Law on Denunciations 2018 Arts 37-38; Decree 31/2019 Art 5)."""

        NONE = "", _("Không")
        RE_DENUNCIATION = "re_denunciation", _("Tố cáo tiếp: cấp trên xem xét (Điều 37)")
        OVERDUE = "overdue", _("Tố cáo quá hạn: cấp trên yêu cầu báo cáo (Điều 38)")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Trực tuyến")
        IN_PERSON = "in_person", _("Trực tiếp")
        POST = "post", _("Bưu chính")
        REFERRAL_DEPUTY = "referral_deputy", _("Đại biểu Quốc hội/HĐND chuyển")
        REFERRAL_FRONT = "referral_front", _("Mặt trận Tổ quốc chuyển")
        REFERRAL_PRESS = "referral_press", _("Cơ quan báo chí chuyển")
        REFERRAL_AGENCY = "referral_agency", _("Cơ quan khác chuyển")

    class Complexity(models.TextChoices):
        NORMAL = "normal", _("Bình thường")
        COMPLEX = "complex", _("Phức tạp")
        ESPECIALLY_COMPLEX = "especially_complex", _("Đặc biệt phức tạp")

    class Outcome(models.TextChoices):
        # Complaints: Law on Complaints Arts 31, 40.
        RIGHT = "right", _("Khiếu nại đúng")
        PARTLY_RIGHT = "partly_right", _("Khiếu nại đúng một phần")
        WRONG = "wrong", _("Khiếu nại sai")
        # Denunciations: Law on Denunciations Art 35.
        TRUE = "true", _("Tố cáo đúng")
        PARTLY_TRUE = "partly_true", _("Tố cáo đúng một phần")
        FALSE = "false", _("Tố cáo sai")
        # Petitions and information reports.
        ANSWERED = "answered", _("Đã trả lời")
        NO_VIOLATION = "no_violation", _("Không phát hiện vi phạm")
        VIOLATION_FOUND = "violation_found", _("Phát hiện vi phạm")

    reference = models.CharField(_("mã hồ sơ"), max_length=32, unique=True)
    access_key_hash = models.CharField(max_length=128, editable=False)
    kind = models.CharField(_("loại đơn"), max_length=20, choices=CaseKind.choices)
    complaint_level = models.CharField(
        _("lần giải quyết"), max_length=10, choices=Level.choices, blank=True, default=""
    )
    previous_case = models.ForeignKey(
        "self",
        verbose_name=_("hồ sơ trước"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="later_cases",
    )
    # A citizen asked online to withdraw (Law on Complaints 2011 Art 10; Law on Denunciations 2018
    # Art 33(1)): the withdrawal takes effect only with the signed letter or the minutes, and the
    # staff decide; until then the case runs on.
    withdrawal_requested_at = models.DateTimeField(_("yêu cầu rút đơn trực tuyến lúc"), null=True, blank=True)
    review_track = models.CharField(
        _("hình thức xem xét tố cáo tiếp"), max_length=20, choices=ReviewTrack.choices, blank=True, default=""
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("gộp vào hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    status = models.CharField(_("trạng thái"), max_length=20, choices=CaseStatus.choices, db_index=True)
    status_before_suspension = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("ngày nhận"), db_index=True)
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("cơ quan giải quyết"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    subject = models.CharField(_("tiêu đề"), max_length=300)
    description = models.TextField(_("nội dung"))
    # The decision or act complained about (Law on Complaints Art 8(2)).
    contested_act = models.TextField(_("quyết định, hành vi bị khiếu nại"), blank=True)
    contested_act_known_on = models.DateField(_("ngày nhận được/biết quyết định"), null=True, blank=True)
    # The person or body accused, structured so assignment can refuse conflicts of interest.
    accused_name = models.CharField(_("người bị khiếu nại/tố cáo"), max_length=255, blank=True)
    accused_position = models.CharField(_("chức vụ"), max_length=255, blank=True)
    accused_authority = models.ForeignKey(
        Authority,
        verbose_name=_("cơ quan bị khiếu nại/tố cáo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accused_in_cases",
    )
    accused_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ bị khiếu nại/tố cáo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accused_in_cases",
    )
    complexity = models.CharField(
        _("tính chất"), max_length=20, choices=Complexity.choices, default=Complexity.NORMAL
    )
    remote_area = models.BooleanField(_("vùng sâu, vùng xa"), default=False)
    # A complaint against a disciplinary decision of a cadre or civil servant has its own track
    # (Law on Complaints 2011 Chapter IV, Arts 47-58): K2 and K6 instead of K8 and K4/K5.
    discipline = models.BooleanField(_("khiếu nại quyết định kỷ luật cán bộ, công chức"), default=False)
    # ... and the second complaint's window is 30 days when the penalty was dismissal (Art 48).
    dismissal = models.BooleanField(_("hình thức kỷ luật buộc thôi việc"), default=False)
    # A denunciation to be checked at several places or by delegation: T1 runs to 10 working days
    # (Law on Denunciations 2018 Art 24(1)).
    multi_site = models.BooleanField(_("xác minh ở nhiều nơi hoặc ủy quyền xác minh"), default=False)
    # Found outside the body's competence at triage: the transfer limit T2 runs (Art 24(2)).
    out_of_competence = models.BooleanField(_("không thuộc thẩm quyền"), default=False)
    escalation_level = models.PositiveSmallIntegerField(_("cấp cảnh báo"), default=0)
    last_activity_at = models.DateTimeField(_("hoạt động gần nhất"), db_index=True)
    next_due_at = models.DateTimeField(_("hạn gần nhất"), null=True, blank=True, db_index=True)
    stalled_since = models.DateTimeField(_("ngưng trệ từ"), null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_summary = models.TextField(_("tóm tắt kết quả"), blank=True)
    reason_code = models.CharField(_("mã lý do"), max_length=40, blank=True)
    reason_text = models.TextField(_("lý do"), blank=True)
    transferred_to = models.ForeignKey(
        Authority,
        verbose_name=_("chuyển đến"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_transfers",
    )
    duplicate_suspected = models.BooleanField(_("nghi trùng"), default=False)
    # Counters the stalled-case finder filters on (kept by services).
    extension_count = models.PositiveSmallIntegerField(default=0)
    transfer_count = models.PositiveSmallIntegerField(default=0)
    reassignment_count = models.PositiveSmallIntegerField(default=0)
    suspension_count = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    # Hash and number of the newest CaseEvent: removing the last events is detectable too.
    event_head = models.CharField(max_length=64, blank=True, editable=False)
    event_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HistoryGuardedManager()
    history = HistoricalRecords(
        excluded_fields=["access_key_hash", "updated_at", "event_head", "event_count"]
    )

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        permissions = [
            ("view_identity", _("Xem thông tin nhân thân người khiếu nại, tố cáo")),
            ("view_all_cases", _("Xem hồ sơ của mọi cơ quan (giám sát)")),
        ]
        indexes = [
            models.Index(fields=["status", "next_due_at"], name="case_status_due_idx"),
            models.Index(fields=["authority", "status"], name="case_authority_status_idx"),
            models.Index(fields=["assignee", "status"], name="case_assignee_status_idx"),
            models.Index(fields=["kind", "status"], name="case_kind_status_idx"),
            models.Index(fields=["status", "last_activity_at"], name="case_status_activity_idx"),
            # Workspace list filters on rare values: small partial indexes (escalated; likely duplicates).
            models.Index(
                fields=["escalation_level", "next_due_at"],
                name="case_escalated_idx",
                condition=models.Q(escalation_level__gt=0),
            ),
            models.Index(
                fields=["next_due_at"],
                name="case_dup_suspected_idx",
                condition=models.Q(duplicate_suspected=True),
            ),
            # The sweep's stalled-case candidates: idle cases not flagged yet (flagged ones, the bulk
            # of an old backlog, are not in it).
            models.Index(
                fields=["status", "last_activity_at"],
                name="case_unflagged_activity_idx",
                condition=models.Q(stalled_since__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.subject}"

    @property
    def is_open(self) -> bool:
        from .workflow import is_open

        return is_open(self.kind, self.status)


class ReferenceCounter(models.Model):
    """Per prefix and year, the last number handed out (HN-2026-000123)."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Party(models.Model):
    """A complainant's or denouncer's identity. Name, ID number, address and contacts are encrypted
    at rest and read only through ``cases.selectors.party_identity_reveal`` (which logs the access)."""

    class Role(models.TextChoices):
        COMPLAINANT = "complainant", _("Người khiếu nại")
        DENOUNCER = "denouncer", _("Người tố cáo")
        PETITIONER = "petitioner", _("Người kiến nghị, phản ánh")
        REPRESENTATIVE = "representative", _("Người đại diện")
        AUTHORISED = "authorised", _("Người được ủy quyền")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("tư cách"), max_length=20, choices=Role.choices)
    # Group complaints name representatives (Law 42/2013 Art 29).
    is_representative = models.BooleanField(_("người đại diện nhóm"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    full_name = EncryptedTextField(_("họ và tên"))
    national_id = EncryptedTextField(_("số định danh cá nhân/CCCD"), blank=True)
    address = EncryptedTextField(_("địa chỉ"), blank=True)
    phone = EncryptedTextField(_("điện thoại"), blank=True)
    email = EncryptedTextField(_("thư điện tử"), blank=True)
    national_id_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # crypto.name_index of the full name: the workspace finds a sender by name through it.
    full_name_digest = models.CharField(
        max_length=64, blank=True, default="", db_default="", db_index=True, editable=False
    )
    # Law on Denunciations Art 47(2): identity is protected unless the denouncer discloses it.
    identity_disclosed = models.BooleanField(_("đồng ý công khai danh tính"), default=False)
    language = models.CharField(max_length=5, default="vi")
    notifications_opt_out = models.BooleanField(_("từ chối nhận thông báo"), default=False)

    objects = HistoryGuardedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("người gửi đơn")
        verbose_name_plural = _("người gửi đơn")
        ordering = ["case", "position"]

    def __str__(self) -> str:
        # Never the name: __str__ ends up in logs, admin breadcrumbs and error pages.
        return f"{self.get_role_display()} #{self.position + 1} ({self.case.reference})"


class IdentityAccessLog(models.Model):
    """Every reveal of a party's identity and every opening of a case by staff (for auditors)."""

    class Action(models.TextChoices):
        REVEAL_IDENTITY = "reveal_identity", _("Xem nhân thân")
        VIEW_CASE = "view_case", _("Mở hồ sơ")
        EXPORT = "export", _("Xuất hồ sơ")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_logs")
    party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.TextField(_("lý do"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("nhật ký truy cập")
        verbose_name_plural = _("nhật ký truy cập")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.case_id}"


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Nội bộ")
    COMPLAINANT = "complainant", _("Người gửi đơn")
    PUBLIC = "public", _("Công khai")


class Attachment(models.Model):
    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("Tài liệu, chứng cứ")
        SUPPLEMENT = "supplement", _("Bổ sung")
        NOTICE = "notice", _("Thông báo")
        DECISION = "decision", _("Quyết định/kết luận")
        MINUTES = "minutes", _("Biên bản")
        OTHER = "other", _("Khác")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(max_length=500)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EVIDENCE)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.INTERNAL)
    # Letters and evidence from a denouncer carry handwriting and identity (Art 56(2)).
    contains_identity = models.BooleanField(_("có thông tin nhân thân"), default=False)
    description = models.CharField(_("mô tả"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = HistoryGuardedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tài liệu đính kèm")
        verbose_name_plural = _("tài liệu đính kèm")
        ordering = ["case", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Assignment(models.Model):
    """Who handled the case, from when to when, and why it changed hands."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = HistoryGuardedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "started_at"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.assignee_id}"


class Holiday(models.Model):
    """One day of the official working-day calendar (Labour Code 2019 Arts 111–112; the yearly
    MoHA/PM notices). Saturdays and Sundays are not listed: only the exceptions."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Ngày lễ, Tết")
        COMPENSATORY = "compensatory", _("Nghỉ bù")
        SWAPPED_OFF = "swapped_off", _("Nghỉ hoán đổi")
        MAKEUP_WORKDAY = "makeup_workday", _("Ngày làm bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=200)
    source = models.CharField(_("căn cứ"), max_length=300, blank=True)
    confirmed = models.BooleanField(_("đã xác nhận"), default=True)

    class Meta:
        verbose_name = _("ngày nghỉ/làm bù")
        verbose_name_plural = _("lịch ngày làm việc")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"

    def clean(self) -> None:
        """The importer's rules (cases.calendar_services), so a form cannot store a day the
        working-day calendar refuses (e.g. a make-up day on a weekday would stop every deadline)."""
        from django.core.exceptions import ValidationError as FormError

        from .calendar_services import holiday_day_problems

        problems = holiday_day_problems(self.date, self.kind)
        if problems:
            raise FormError({"date": problems})


class Deadline(models.Model):
    """One statutory time limit of a case, computed by ``cases.deadlines`` (pure)."""

    class State(models.TextChoices):
        OPEN = "open", _("Đang tính")
        PAUSED = "paused", _("Tạm dừng")
        MET = "met", _("Đã hoàn thành")
        # The duty ended without being carried out: the case was withdrawn, merged, transferred or
        # its resolution ended (``end_reason``). Outside the on-time figures.
        ENDED = "ended", _("Kết thúc, không còn phải thực hiện")
        CANCELLED = "cancelled", _("Không còn áp dụng")

    class EndReason(models.TextChoices):
        WITHDRAWN = "withdrawn", _("rút đơn")
        LAPSED = "lapsed", _("hết thời hạn")
        MERGED = "merged", _("gộp vào hồ sơ trùng")
        TRANSFERRED = "transferred", _("chuyển đơn")
        TERMINATED = "terminated", _("đình chỉ giải quyết")
        REJECTED = "rejected", _("không thụ lý")
        GUIDED = "guided", _("hướng dẫn người gửi đơn")
        SUPERSEDED = "superseded", _("thay bằng thời hạn khác")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    rule_code = models.CharField(_("mã quy tắc"), max_length=10)
    rule_version = models.DateField(_("phiên bản quy tắc"))
    title_vi = models.CharField(max_length=255)
    title_en = models.CharField(max_length=255, blank=True)
    legal_basis_vi = models.CharField(_("căn cứ pháp lý"), max_length=500)
    legal_basis_en = models.CharField(max_length=500, blank=True)
    unit = models.CharField(max_length=20)
    limit_days = models.PositiveSmallIntegerField()
    trigger_date = models.DateField(_("ngày bắt đầu tính"))
    original_due_date = models.DateField(_("hạn ban đầu"))
    due_date = models.DateField(_("hạn hiện tại"))
    due_at = models.DateTimeField(db_index=True)
    calendar_version = models.CharField(max_length=64)
    # Suspension: [[from, to], ...] ISO dates; an open pause has to=None (Law on Denunciations Art 34(2)).
    paused_intervals = models.JSONField(default=list, blank=True)
    extensions = models.PositiveSmallIntegerField(default=0)
    # Length in days of each written extension decision, in order (Decree 31/2019 Art 3(4)).
    extension_lengths = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN, db_index=True)
    met_at = models.DateTimeField(null=True, blank=True)
    missed = models.BooleanField(default=False)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    # Who must meet it (cases.deadlines.Rule.bearer): the agency, the citizen, or nobody (a day on
    # which something takes effect). Only agency deadlines make a case overdue or escalate.
    bearer = models.CharField(max_length=10, default="agency")
    # Unconfirmed calendar days this due date depends on (ISO dates): the date is provisional until
    # they are confirmed, and every screen that shows it says so.
    unconfirmed_days = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = HistoryGuardedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thời hạn")
        verbose_name_plural = _("thời hạn")
        ordering = ["case", "due_at"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="deadline_state_due_idx"),
            # The met resolution limits (on time per case, cases.reporting): small and covering, so
            # the periodic reports over a province read it instead of every deadline.
            models.Index(
                fields=["case", "missed"],
                name="deadline_met_resolution_idx",
                condition=models.Q(state="met", rule_code__in=["K4", "K5", "K6", "T4"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.due_date:%d/%m/%Y}"


def event_hash(*, case_id, seq, kind, actor_id, actor_role, created_at, visibility, data, prev_hash) -> str:
    """SHA-256 over an event's content and the previous event's hash (canonical JSON)."""
    payload = {
        "case": case_id,
        "seq": seq,
        "kind": kind,
        "actor": actor_id,
        "actor_role": actor_role,
        "created_at": created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "visibility": visibility,
        "data": data,
        "prev": prev_hash,
    }
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("CaseEvent is append-only")

    def delete(self):
        raise PermissionError("CaseEvent is append-only")


class CaseEvent(models.Model):
    """What happened to a case and why. Append-only; each row's hash covers its content and the
    previous event's hash of the same case, so an altered or removed row breaks the chain."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=60, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.INTERNAL)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("sự kiện hồ sơ")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.kind}"

    GENESIS = "0" * 64

    def compute_hash(self) -> str:
        return event_hash(
            case_id=self.case_id,
            seq=self.seq,
            kind=self.kind,
            actor_id=self.actor_id,
            actor_role=self.actor_role,
            created_at=self.created_at,
            visibility=self.visibility,
            data=self.data,
            prev_hash=self.prev_hash,
        )

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise PermissionError("CaseEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("CaseEvent is append-only")


class EscalationPolicy(models.Model):
    """The escalation ladder as data, per authority (the default has no authority).

    Warnings go to the assignee ``warn_leads`` working days before a breach; at breach level 1
    goes to the head of unit, ``level2_after`` working days later to the head of agency, and
    ``level3_after`` working days after that to the superior authority."""

    authority = models.OneToOneField(
        Authority, null=True, blank=True, on_delete=models.CASCADE, related_name="escalation_policy"
    )
    warn_leads = models.JSONField(_("cảnh báo trước (ngày làm việc)"), default=list)
    level2_after = models.PositiveSmallIntegerField(_("lên cấp 2 sau (ngày làm việc)"), default=3)
    level3_after = models.PositiveSmallIntegerField(_("lên cấp 3 sau (ngày làm việc)"), default=5)
    # {status: working days without activity before a case counts as stalled}
    stalled_after = models.JSONField(_("ngưng trệ sau (ngày làm việc)"), default=dict)

    class Meta:
        verbose_name = _("quy tắc cảnh báo, chuyển cấp")
        verbose_name_plural = _("quy tắc cảnh báo, chuyển cấp")

    def __str__(self) -> str:
        return f"{self.authority.code if self.authority is not None else 'default'}"


class Escalation(models.Model):
    """One step of the ladder taken for one deadline: unique, so sweeps are idempotent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="escalations")
    # "warn-3", "warn-1", "L1", "L2", "L3"
    step = models.CharField(max_length=10)
    level = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deadline", "step"], name="escalation_unique_step"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step}"
