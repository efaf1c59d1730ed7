"""Fixtures of the search tests: a small authority tree with cases placed around every threshold
the finder knows, and each backend on the real services (PostgreSQL, Elasticsearch)."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from cases import models
from search.backends import get_backend
from search.sync import case_queryset
from tests.factories import AuthorityFactory, CaseFactory, HolidayFactory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Wednesday 17 June 2026, 10:00 in Hà Nội. Monday 15 June is made a holiday below.
NOW = dt.datetime(2026, 6, 17, 10, 0, tzinfo=TZ)


def at(y, m, d, hh=9, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def days_ago(n: int, hh=9, mm=0) -> dt.datetime:
    day = NOW.date() - dt.timedelta(days=n)
    return dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def es_prefix(settings):
    """A fresh index prefix per test, so parallel runs and other helpers never share an index."""
    prefix = f"{settings.ELASTICSEARCH_INDEX_PREFIX}-{uuid.uuid4().hex[:10]}"
    url = settings.ELASTICSEARCH_URL  # a test may point the settings at a dead port meanwhile
    settings.ELASTICSEARCH_INDEX_PREFIX = prefix
    yield prefix
    get_backend("elasticsearch", url=url, index_prefix=prefix).drop()


@pytest.fixture
def es_backend(es_prefix, settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    return get_backend("elasticsearch", index_prefix=es_prefix, refresh=True)


@pytest.fixture
def db_backend(settings):
    settings.SEARCH_BACKEND = "database"
    return get_backend("database")


@pytest.fixture(params=["database", "elasticsearch"])
def backend(request):
    """The contract suite runs once per backend."""
    return request.getfixturevalue("db_backend" if request.param == "database" else "es_backend")


def index_all(backend) -> None:
    backend.bulk_index(case_queryset().order_by("pk"), now=NOW)
    backend.refresh()


class World:
    """Authorities HN ⊃ HN-SXD ⊃ HN-SXD-TT, HN ⊃ HN-STNMT, and DN (another root)."""

    def __init__(self):
        A = models.Authority.Level
        self.hn = AuthorityFactory(code="HN", name_vi="UBND thành phố Hà Nội", level=A.PROVINCIAL)
        self.sxd = AuthorityFactory(code="HN-SXD", name_vi="Sở Xây dựng", level=A.DEPARTMENT, parent=self.hn)
        self.tt = AuthorityFactory(code="HN-SXD-TT", name_vi="Thanh tra Sở Xây dựng", parent=self.sxd)
        self.stnmt = AuthorityFactory(code="HN-STNMT", name_vi="Sở Tài nguyên và Môi trường", parent=self.hn)
        self.dn = AuthorityFactory(code="DN", name_vi="UBND thành phố Đà Nẵng", level=A.PROVINCIAL)
        HolidayFactory(
            date=dt.date(2026, 6, 15), kind=models.Holiday.Kind.COMPENSATORY, name="Nghỉ bù (test)"
        )
        S, K = models.CaseStatus, models.CaseKind
        self.cases = {}

        def case(key, **kw):
            kw.setdefault("received_at", kw.get("last_activity_at", NOW) - dt.timedelta(days=5))
            obj = CaseFactory(reference=f"T-{key}", **kw)
            self.cases[key] = obj
            return obj

        # 40 days idle, deadline passed 10 days ago.
        case(
            "A",
            authority=self.sxd,
            status=S.RECEIVED,
            last_activity_at=days_ago(40),
            received_at=days_ago(45),
            next_due_at=days_ago(10, 23, 59),
            subject="Khiếu nại về đất đai tại phường Cầu Giấy",
            description="Đề nghị xem xét lại việc bồi thường đất đai.",
        )
        # Busy case, bounced around: 10 days idle, overdue by 3 days.
        case(
            "B",
            authority=self.tt,
            status=S.VERIFYING,
            last_activity_at=days_ago(10),
            received_at=days_ago(95),
            next_due_at=days_ago(3, 23, 59),
            transfer_count=3,
            extension_count=2,
            escalation_level=2,
            reassignment_count=4,
            suspension_count=1,
            kind=K.DENUNCIATION,
            subject="Tố cáo cán bộ địa chính",
            description="Hành vi nhận tiền khi cấp giấy chứng nhận quyền sử dụng đất.",
        )
        case(
            "C",
            authority=self.stnmt,
            status=S.ACCEPTED,
            last_activity_at=days_ago(35),
            received_at=days_ago(200),
            subject="Kiến nghị về ô nhiễm môi trường",
            description="Nhà máy xả thải ra sông Tô Lịch.",
            kind=K.PETITION,
        )
        case(
            "D",
            authority=self.dn,
            status=S.SUSPENDED,
            last_activity_at=days_ago(100),
            received_at=days_ago(120),
            kind=K.DENUNCIATION,
            extension_count=1,
            subject="Tố cáo sai phạm xây dựng",
            description="Công trình xây dựng không phép.",
        )
        # Closed long ago: never stalled, whatever its dates.
        case(
            "E",
            authority=self.sxd,
            status=S.CLOSED,
            last_activity_at=days_ago(200),
            received_at=days_ago(300),
            next_due_at=days_ago(150),
            transfer_count=5,
            subject="Khiếu nại đất đai đã giải quyết",
            description="Đã đóng.",
        )
        case(
            "F",
            authority=self.sxd,
            status=S.DIALOGUE,
            last_activity_at=days_ago(2),
            received_at=days_ago(20),
            next_due_at=days_ago(-10),
            subject="Khiếu nại quyết định xử phạt",
            description="Đối thoại đã lên lịch.",
        )
        # Boundaries of "30 days": 30 days ago late in the evening counts, 29 days ago does not.
        case(
            "G",
            authority=self.sxd,
            status=S.RECEIVED,
            last_activity_at=days_ago(30, 23, 30),
            received_at=days_ago(31),
            subject="Đơn thư số 30",
            description="Biên giới 30 ngày.",
        )
        case(
            "H",
            authority=self.sxd,
            status=S.RECEIVED,
            last_activity_at=days_ago(29, 0, 5),
            received_at=days_ago(31),
            subject="Đơn thư số 29",
            description="Biên giới 29 ngày.",
        )
        # Working days: Thu 11/6 → 3 working days to Wed 17/6 (Mon 15/6 is off); Fri 12/6 → only 2.
        case(
            "I",
            authority=self.stnmt,
            status=S.ACCEPTED,
            last_activity_at=at(2026, 6, 11, 16),
            received_at=days_ago(10),
            subject="Phản ánh tiếng ồn",
            description="Karaoke ban đêm.",
        )
        case(
            "J",
            authority=self.stnmt,
            status=S.ACCEPTED,
            last_activity_at=at(2026, 6, 12, 8),
            received_at=days_ago(10),
            subject="Phản ánh rác thải",
            description="Điểm tập kết rác.",
        )
        # Deadline passed an hour ago (overdue today) and one due later today (not yet overdue).
        case(
            "K",
            authority=self.hn,
            status=S.ACCEPTED,
            last_activity_at=days_ago(1),
            received_at=days_ago(60),
            next_due_at=NOW - dt.timedelta(hours=1),
            subject="Khiếu nại hành chính",
            description="Hạn hôm nay đã qua.",
        )
        case(
            "L",
            authority=self.hn,
            status=S.ACCEPTED,
            last_activity_at=days_ago(1),
            received_at=days_ago(60),
            next_due_at=NOW + dt.timedelta(hours=5),
            subject="Khiếu nại hành chính khác",
            description="Hạn cuối ngày hôm nay.",
        )
        # No authority yet (letter still in triage).
        case(
            "M",
            authority=None,
            status=S.RECEIVED,
            last_activity_at=days_ago(50),
            received_at=days_ago(50),
            subject="Đơn chưa rõ cơ quan",
            description="Chưa phân loại.",
        )

    def refs(self, ids) -> list[str]:
        by_id = {c.pk: c.reference for c in self.cases.values()}
        return [by_id[i] for i in ids]


@pytest.fixture
def world(db):
    return World()
