"""Citizen reception (tiếp công dân): where and when an authority receives citizens, the register of
visits (sổ tiếp công dân) with the visitors' identity encrypted as for case parties, group visits
with their representatives, how each visit was handled, refusals with their statutory ground and
notice, the documents received with their receipt, and the head's reception sessions with their
notice of conclusions and the instructions it gives to units.

Law on Citizen Reception 42/2013/QH13 (amended by Law 136/2025/QH15 from 01/07/2026), Decree
64/2014/NĐ-CP then Decree 154/2026/NĐ-CP from 01/07/2026, Circular 06/2014 then 04/2021/TT-TTCP.
The rules (who must give what, who may preside, which grounds allow a refusal, the minimum number
of heads' reception days) are data in ``data/reception_rules.toml``, asked through ``cases.rules``.

Writes go through ``cases.reception.services``. A visit that brings a complaint, denunciation or
petition becomes a case through ``cases.services.case_submit`` (channel in person, so R1 starts) and
the visit keeps the link (``Visit.case``). An instruction of a head's session owns one
``cases.Deadline`` (rule R7, limit fixed by the head) on the case it concerns, so the escalation
sweep warns and escalates it like any other deadline (docs/decisions/0009)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.crypto import EncryptedTextField
from cases.models import Authority, Case, Deadline


class ReceptionPlace(models.Model):
    """A reception office or place (trụ sở / địa điểm tiếp công dân: Law Arts 10-15, 18(1)(b))."""

    authority = models.ForeignKey(
        Authority, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="reception_places"
    )
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=255)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=255, blank=True)
    address_vi = models.CharField(_("địa chỉ (tiếng Việt)"), max_length=500)
    address_en = models.CharField(_("địa chỉ (tiếng Anh)"), max_length=500, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    notes_vi = models.TextField(_("ghi chú cho người dân (tiếng Việt)"), blank=True)
    notes_en = models.TextField(_("ghi chú cho người dân (tiếng Anh)"), blank=True)
    public = models.BooleanField(_("hiện trên trang công khai"), default=True)
    active = models.BooleanField(_("đang sử dụng"), default=True)

    class Meta:
        verbose_name = _("nơi tiếp công dân")
        verbose_name_plural = _("nơi tiếp công dân")
        ordering = ["authority__path", "name_vi"]

    def __str__(self) -> str:
        return self.name_vi

    def name(self, language: str = "vi") -> str:
        return self.name_en if language == "en" and self.name_en else self.name_vi

    def address(self, language: str = "vi") -> str:
        return self.address_en if language == "en" and self.address_en else self.address_vi

    def notes(self, language: str = "vi") -> str:
        return self.notes_en if language == "en" and self.notes_en else self.notes_vi


class RegularHours(models.Model):
    """When officers receive citizens at a place, every week (tiếp thường xuyên)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Thứ Hai")
        TUESDAY = 1, _("Thứ Ba")
        WEDNESDAY = 2, _("Thứ Tư")
        THURSDAY = 3, _("Thứ Năm")
        FRIDAY = 4, _("Thứ Sáu")
        SATURDAY = 5, _("Thứ Bảy")
        SUNDAY = 6, _("Chủ nhật")

    place = models.ForeignKey(ReceptionPlace, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("thứ"), choices=Weekday.choices)
    opens = models.TimeField(_("từ"))
    closes = models.TimeField(_("đến"))

    class Meta:
        verbose_name = _("giờ tiếp thường xuyên")
        verbose_name_plural = _("giờ tiếp thường xuyên")
        ordering = ["place", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="hours_close_after_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class HeadSession(models.Model):
    """A head's reception session (người đứng đầu tiếp công dân định kỳ hoặc đột xuất: Law Art 18(2),
    (3); Decree 154/2026 Art 25), planned then held, ending with a notice of conclusions."""

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Định kỳ")
        ADHOC = "adhoc", _("Đột xuất")

    class State(models.TextChoices):
        PLANNED = "planned", _("Đã lên lịch")
        HELD = "held", _("Đã tiếp")
        CANCELLED = "cancelled", _("Đã hủy")

    authority = models.ForeignKey(
        Authority, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="head_sessions"
    )
    place = models.ForeignKey(
        ReceptionPlace, verbose_name=_("nơi tiếp"), on_delete=models.PROTECT, related_name="sessions"
    )
    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices, default=Kind.PERIODIC)
    adhoc_ground = models.CharField(_("căn cứ tiếp đột xuất"), max_length=20, blank=True)
    starts_at = models.DateTimeField(_("thời gian bắt đầu"), db_index=True)
    ends_at = models.DateTimeField(_("thời gian kết thúc"), null=True, blank=True)
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.PLANNED)
    presider = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người chủ trì"), on_delete=models.PROTECT, related_name="+"
    )
    presider_title = models.CharField(_("chức vụ người chủ trì"), max_length=255)
    # Authorised reception (ủy quyền tiếp): allowed before 01/07/2026 only (rules.delegation_allowed).
    authorised = models.BooleanField(_("ủy quyền tiếp"), default=False)
    attendees = models.TextField(_("thành phần tham dự"), blank=True)
    public = models.BooleanField(_("công bố lịch trên trang công khai"), default=True)
    # The notice of conclusions (Thông báo kết luận việc tiếp công dân: Decree 154/2026 Art 25(2)).
    conclusions = models.TextField(_("ý kiến kết luận, chỉ đạo"), blank=True)
    notice_number = models.CharField(_("số thông báo kết luận"), max_length=60, blank=True)
    notice_date = models.DateField(_("ngày thông báo"), null=True, blank=True)
    notice_recipients = models.TextField(_("nơi nhận"), blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    concluded_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("lý do hủy"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("buổi tiếp công dân của người đứng đầu")
        verbose_name_plural = _("buổi tiếp công dân của người đứng đầu")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["authority", "state", "starts_at"], name="session_authority_idx")]

    def __str__(self) -> str:
        return f"{self.authority.code} {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    @property
    def concluded(self) -> bool:
        return self.concluded_at is not None


class Visit(models.Model):
    """One entry of the reception register (sổ tiếp công dân: Law Art 25(2); Decree 154/2026 Art
    27(1), Mẫu 03/TCD): one visit (lượt tiếp) of one person or one group about one matter."""

    class Content(models.TextChoices):
        COMPLAINT = "complaint", _("Khiếu nại")
        DENUNCIATION = "denunciation", _("Tố cáo")
        PETITION = "petition", _("Kiến nghị, phản ánh")
        OTHER = "other", _("Nội dung khác")

    class Handling(models.TextChoices):
        # Law Art 26: in competence, receive the letter and report to the competent person.
        RECEIVED = "received", _("Tiếp nhận đơn, chuyển xử lý")
        # Art 26(1)(b): not in competence: guide the person to the competent body.
        GUIDED = "guided", _("Hướng dẫn đến cơ quan có thẩm quyền")
        # Art 26(2)(b): petitions outside competence: transfer the letter or the record.
        TRANSFERRED = "transferred", _("Chuyển đơn đến cơ quan có thẩm quyền")
        # Art 26(1)(b), second sentence: a lower body is competent but has not resolved it.
        URGED = "urged", _("Đôn đốc cơ quan cấp dưới giải quyết")
        # Art 26(1)(c): already lawfully resolved: explain, ask the person to comply.
        EXPLAINED = "explained", _("Giải thích, hướng dẫn (vụ việc đã, đang được giải quyết)")
        # Art 9: refused, with its statutory ground.
        REFUSED = "refused", _("Từ chối tiếp")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("Trực tiếp")
        # Decree 154/2026 Chapter V (from 01/07/2026).
        ONLINE = "online", _("Trực tuyến")

    authority = models.ForeignKey(
        Authority, verbose_name=_("cơ quan tiếp"), on_delete=models.PROTECT, related_name="visits"
    )
    place = models.ForeignKey(
        ReceptionPlace,
        verbose_name=_("nơi tiếp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    session = models.ForeignKey(
        HeadSession,
        verbose_name=_("buổi tiếp của người đứng đầu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    year = models.PositiveSmallIntegerField(editable=False)
    number = models.PositiveIntegerField(_("số thứ tự"), editable=False)
    received_at = models.DateTimeField(_("thời gian tiếp"), db_index=True)
    channel = models.CharField(
        _("hình thức tiếp"), max_length=10, choices=Channel.choices, default=Channel.IN_PERSON
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tiếp"), on_delete=models.PROTECT, related_name="+"
    )
    content_kind = models.CharField(_("loại nội dung"), max_length=20, choices=Content.choices)
    summary = models.TextField(_("nội dung sự việc"))
    request = models.TextField(_("yêu cầu, đề nghị"), blank=True)
    # How many people came with the same content (Mẫu 03/TCD column 7); a group from rules.
    group_size = models.PositiveIntegerField(_("số người cùng nội dung"), default=1)
    prior_resolution = models.CharField(_("cơ quan đã giải quyết"), max_length=500, blank=True)
    in_competence = models.BooleanField(_("thuộc thẩm quyền"), default=True)
    handling = models.CharField(_("kết quả tiếp, xử lý"), max_length=20, choices=Handling.choices)
    referred_to = models.ForeignKey(
        Authority,
        verbose_name=_("cơ quan được hướng dẫn, chuyển đến"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referred_to_text = models.CharField(
        _("cơ quan được hướng dẫn, chuyển đến (ngoài danh mục)"), max_length=300, blank=True
    )
    referral_number = models.CharField(_("số văn bản hướng dẫn, chuyển đơn"), max_length=60, blank=True)
    guidance = models.TextField(_("nội dung hướng dẫn, giải thích"), blank=True)
    # The case the visit created (received, guided, transferred, urged) or is about (explained).
    case = models.ForeignKey(
        Case, verbose_name=_("hồ sơ"), null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    created_case = models.BooleanField(default=False, editable=False)
    previous_visit = models.ForeignKey(
        "self",
        verbose_name=_("lượt tiếp trước"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The matter (vụ việc) the visit is about: "case:<id>" or "visit:<id of its first visit>"; a
    # visit about a matter received before is a repeat (tiếp nhiều lần, form 01/TCD).
    matter_key = models.CharField(max_length=40, editable=False, db_index=True)
    repeat = models.BooleanField(_("vụ việc đã tiếp trước đó"), default=False, editable=False)
    follow_up = models.TextField(_("theo dõi kết quả giải quyết"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # The receipt for documents (giấy biên nhận: Decree 154/2026 Art 15(4), Mẫu 02/TCD).
    receipt_number = models.CharField(_("số giấy biên nhận"), max_length=60, blank=True)
    receipt_copies = models.PositiveSmallIntegerField(_("số bản giấy biên nhận"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lượt tiếp công dân")
        verbose_name_plural = _("sổ tiếp công dân")
        ordering = ["-received_at", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "year", "number"], name="visit_register_number_unique"
            ),
            models.CheckConstraint(condition=models.Q(group_size__gte=1), name="visit_group_size_positive"),
        ]
        indexes = [models.Index(fields=["authority", "received_at"], name="visit_authority_received_idx")]

    def __str__(self) -> str:
        # Never a name: __str__ ends up in logs and breadcrumbs.
        return f"{self.authority.code} {self.year}/{self.number}"

    @property
    def register_label(self) -> str:
        return f"{self.number}/{self.year}"


class VisitPerson(models.Model):
    """A person at a visit, identity encrypted at rest like ``cases.Party`` (Law on Denunciations
    2018 Art 56; Decree 154/2026 Art 12(2): the officer keeps name, address, handwriting and other
    personal data secret). For a group, at least its representatives (Law Art 29)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="persons")
    position = models.PositiveSmallIntegerField(default=0)
    is_representative = models.BooleanField(_("người đại diện"), default=False)
    full_name = EncryptedTextField(_("họ và tên"))
    national_id = EncryptedTextField(_("số căn cước/định danh cá nhân/hộ chiếu"), blank=True)
    id_issued = EncryptedTextField(_("ngày cấp, nơi cấp"), blank=True)
    address = EncryptedTextField(_("địa chỉ"), blank=True)
    phone = EncryptedTextField(_("điện thoại"), blank=True)
    national_id_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("người đến tiếp")
        verbose_name_plural = _("người đến tiếp")
        ordering = ["visit", "position"]

    def __str__(self) -> str:
        return f"#{self.position + 1} ({self.visit})"


class ReceivedDocument(models.Model):
    """One item received from the visitor, listed on the receipt (Mẫu 02/TCD note 5: name, number of
    pages, condition; copies or certified copies)."""

    class Condition(models.TextChoices):
        PHOTOCOPY = "photocopy", _("Bản phô tô")
        CERTIFIED_COPY = "certified_copy", _("Bản sao công chứng, chứng thực")
        OTHER = "other", _("Khác")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("tên tài liệu"), max_length=300)
    pages = models.PositiveIntegerField(_("số trang"), default=1)
    condition = models.CharField(_("tình trạng"), max_length=20, choices=Condition.choices)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("tài liệu tiếp nhận")
        verbose_name_plural = _("tài liệu tiếp nhận")
        ordering = ["visit", "position"]

    def __str__(self) -> str:
        return self.name


class Refusal(models.Model):
    """A refusal to receive (từ chối tiếp công dân: Law Art 9; Decree 154/2026 Art 4) with its
    ground as in force that day, and the written notice where the ground requires one."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="refusal")
    ground_code = models.CharField(_("căn cứ từ chối"), max_length=20)
    ground_label = models.TextField()
    legal_basis = models.CharField(max_length=300)
    explanation = models.TextField(_("lý do cụ thể đã giải thích"), blank=True)
    notice_required = models.BooleanField(default=False)
    notice_form = models.CharField(max_length=300, blank=True)
    notice_signer_role = models.CharField(max_length=10, blank=True)
    grounds_on = models.DateField(_("ngày có đủ căn cứ từ chối"))
    notice_due = models.DateField(_("hạn ban hành thông báo"), null=True, blank=True)
    notice_number = models.CharField(_("số thông báo"), max_length=60, blank=True)
    notice_date = models.DateField(_("ngày thông báo"), null=True, blank=True)
    notice_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notice_signer_title = models.CharField(_("chức vụ người ký"), max_length=255, blank=True)
    notice_recipients = models.TextField(_("nơi nhận"), blank=True)
    notice_issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("từ chối tiếp công dân")
        verbose_name_plural = _("từ chối tiếp công dân")

    def __str__(self) -> str:
        return f"{self.visit} {self.ground_code}"

    @property
    def notice_issued(self) -> bool:
        return self.notice_issued_at is not None


class Instruction(models.Model):
    """One instruction of a head's notice of conclusions to a unit, with its time limit (Decree
    154/2026 Art 25(2)): it owns one ``cases.Deadline`` (rule R7) on the case it concerns, so the
    sweep warns and escalates it; the unit's report of the result meets it."""

    session = models.ForeignKey(HeadSession, on_delete=models.PROTECT, related_name="instructions")
    position = models.PositiveSmallIntegerField(default=0)
    case = models.ForeignKey(
        Case, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="instructions"
    )
    unit = models.ForeignKey(
        Authority,
        verbose_name=_("cơ quan, đơn vị được giao"),
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    content = models.TextField(_("nội dung chỉ đạo"))
    due_date = models.DateField(_("hạn thực hiện"))
    deadline = models.OneToOneField(Deadline, on_delete=models.PROTECT, related_name="instruction")
    report = models.TextField(_("kết quả thực hiện"), blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("chỉ đạo tại buổi tiếp")
        verbose_name_plural = _("chỉ đạo tại buổi tiếp")
        ordering = ["session", "position"]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.position + 1} → {self.unit.code}"


class VisitIdentityAccess(models.Model):
    """Every reveal of a visitor's identity (screen, printed register, notice, receipt), for auditors
    (as ``cases.IdentityAccessLog`` for case parties)."""

    class Action(models.TextChoices):
        REVEAL = "reveal", _("Xem nhân thân")
        PRINT = "print", _("In văn bản có nhân thân")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="access_logs")
    person = models.ForeignKey(
        VisitPerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.TextField(_("lý do"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("nhật ký xem nhân thân người đến tiếp")
        verbose_name_plural = _("nhật ký xem nhân thân người đến tiếp")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.visit_id}"


class RegisterCounter(models.Model):
    """Per authority and year, the last number of the reception register (số thứ tự, Mẫu 03/TCD)."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["authority", "year"], name="register_counter_unique")]

    def __str__(self) -> str:
        return f"{self.authority_id}/{self.year}: {self.last}"
