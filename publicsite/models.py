"""The public site's Wagtail pages. Editors write the texts; the behaviour (the intake form, the
tracking desk, the statistics) lives in ``publicsite.views`` and is reached from ``serve()``."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The public front page: editable introduction and the entry points for citizens."""

    intro = models.CharField(_("lời giới thiệu"), max_length=500, blank=True)
    body = RichTextField(_("nội dung"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    subpage_types = [
        "publicsite.IntakePage",
        "publicsite.TrackingPage",
        "publicsite.StatisticsPage",
        "publicsite.GuidePage",
        "publicsite.ReceptionPage",
    ]

    class Meta:
        verbose_name = _("trang chủ")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        entries = [p.specific for p in self.get_children().live().in_menu()]
        context["entry_pages"] = entries
        context["intake_page"] = next((p for p in entries if isinstance(p, IntakePage)), None)
        context["tracking_page"] = next((p for p in entries if isinstance(p, TrackingPage)), None)
        return context


class _ServiceLeaf(Page):
    """A single-purpose page under the home page (one of each per language)."""

    intro = RichTextField(_("lời giới thiệu"), blank=True)
    summary = models.CharField(
        _("tóm tắt trên trang chủ"),
        max_length=255,
        blank=True,
        help_text=_("Một câu, hiện trên thẻ ở trang chủ."),
    )

    parent_page_types = ["publicsite.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        raise NotImplementedError


class IntakePage(_ServiceLeaf):
    """File a complaint, denunciation or petition online, in four steps (views.intake_serve)."""

    privacy_notice = RichTextField(_("thông báo xử lý dữ liệu cá nhân"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("intro"),
        FieldPanel("privacy_notice"),
    ]

    class Meta:
        verbose_name = _("trang gửi đơn")

    def serve(self, request, *args, **kwargs):
        from .views import intake_serve

        return intake_serve(self, request)


class TrackingPage(_ServiceLeaf):
    """Follow a case with its reference and secret key (views.tracking_serve)."""

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("intro")]

    class Meta:
        verbose_name = _("trang tra cứu hồ sơ")

    def serve(self, request, *args, **kwargs):
        from .views import tracking_serve

        return tracking_serve(self, request)


class StatisticsPage(_ServiceLeaf):
    """Public statistics per authority and period, with a methods note (views.statistics_serve)."""

    methods = RichTextField(_("phương pháp tính"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("intro"), FieldPanel("methods")]

    class Meta:
        verbose_name = _("trang thống kê")

    def serve(self, request, *args, **kwargs):
        from .views import statistics_serve

        return statistics_serve(self, request)


class GuidePage(Page):
    """Plain-language guidance (rights, procedures, deadlines); guides may have sub-guides."""

    summary = models.CharField(
        _("tóm tắt trên trang chủ"),
        max_length=255,
        blank=True,
        help_text=_("Một câu, hiện trên thẻ ở trang chủ."),
    )
    intro = RichTextField(_("lời giới thiệu"), blank=True)
    body = RichTextField(_("nội dung"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["publicsite.HomePage", "publicsite.GuidePage"]
    subpage_types = ["publicsite.GuidePage"]

    class Meta:
        verbose_name = _("trang hướng dẫn")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sub_guides"] = [p.specific for p in self.get_children().live()]
        from . import texts

        context["time_limits"] = texts.guide_time_limits() if self.depth <= 3 else []
        home = self.get_ancestors().type(HomePage).last()
        services = home.get_children().live().specific() if home is not None else []
        context["service_pages"] = {p.specific_class.__name__: p for p in services}
        context["laws"] = LAWS
        return context


# The texts the guide is drawn from (number and name; the national database of legal documents
# holds them all).
LAWS = (
    ("Luật Khiếu nại số 02/2011/QH13", "sửa đổi, bổ sung bởi Luật số 136/2025/QH15 (từ 01/7/2026)"),
    ("Luật Tố cáo số 25/2018/QH14", ""),
    ("Luật Tiếp công dân số 42/2013/QH13", ""),
    ("Nghị định 124/2020/NĐ-CP", "hướng dẫn Luật Khiếu nại, sửa đổi bởi Nghị định 155/2026/NĐ-CP"),
    ("Nghị định 31/2019/NĐ-CP", "hướng dẫn Luật Tố cáo"),
    ("Thông tư 05/2021/TT-TTCP", "quy trình xử lý đơn khiếu nại, tố cáo, kiến nghị, phản ánh"),
)
LAW_DATABASE_URL = "https://vbpl.vn/"


class ReceptionPage(_ServiceLeaf):
    """Where and when citizens are received in person: each public reception place with its address,
    its regular hours (officers' reception) and the heads' upcoming reception days, from the
    reception register's data (``cases.reception``; Law on Citizen Reception 2013 Arts 10-18)."""

    body = RichTextField(_("nội dung"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("intro"), FieldPanel("body")]

    class Meta:
        verbose_name = _("trang lịch tiếp công dân")

    def serve(self, request, *args, **kwargs):
        from .views import reception_serve

        return reception_serve(self, request)
