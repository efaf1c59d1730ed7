"""The daily digest: one message per head per day, with the overdue and due-soon open cases of their
authority and its sub-units, and nothing from elsewhere."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Authority, Case, Role
from notifications.models import Notification
from notifications.services import notification_daily_digest
from notifications.tasks import daily_digest_task
from tests.factories import AuthorityFactory, CaseFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    city = AuthorityFactory(code="HN", name_vi="UBND thành phố Hà Nội", level=Authority.Level.PROVINCIAL)
    dept = AuthorityFactory(code="HN-SXD", name_vi="Sở Xây dựng", parent=city)
    other = AuthorityFactory(code="HP", name_vi="UBND thành phố Hải Phòng", level=Authority.Level.PROVINCIAL)
    return city, dept, other


def _case(authority, due_in_days, status=Case.Status.ACCEPTED, **kw):
    return CaseFactory(
        authority=authority, status=status, next_due_at=timezone.now() + dt.timedelta(days=due_in_days), **kw
    )


def test_each_head_gets_their_subtree_overdue_and_due_soon_cases(tree):
    city, dept, other = tree
    director = UserFactory(username="director", email="director@example.gov.vn")
    dept_head = UserFactory(username="depthead", email="")
    MembershipFactory(user=director, authority=city, role=Role.HEAD_OF_AGENCY)
    MembershipFactory(user=dept_head, authority=dept, role=Role.HEAD_OF_UNIT)
    MembershipFactory(user=UserFactory(username="insp"), authority=dept, role=Role.INSPECTOR)

    late_city = _case(city, -2)
    late_dept = _case(dept, -1)
    soon_dept = _case(dept, 2)
    _case(dept, 10)  # not yet
    _case(dept, -5, status=Case.Status.CLOSED)  # not open
    _case(dept, -5, status=Case.Status.SUSPENDED)  # open (suspended cases keep their file open)
    _case(other, -3)  # another city
    CaseFactory(authority=dept, status=Case.Status.ACCEPTED, next_due_at=None)

    created = notification_daily_digest()

    assert {(n.recipient_user.username, n.channel) for n in created} == {
        ("director", "inapp"),
        ("director", "email"),
        ("depthead", "inapp"),  # no e-mail address: in-app only
    }
    director_ctx = next(n.context for n in created if n.recipient_user == director)
    dept_ctx = next(n.context for n in created if n.recipient_user == dept_head)
    assert {c["reference"] for c in director_ctx["overdue"]} >= {late_city.reference, late_dept.reference}
    assert director_ctx["overdue_count"] == 3 and director_ctx["due_soon_count"] == 1
    assert late_city.reference not in {c["reference"] for c in dept_ctx["overdue"]}
    assert dept_ctx["overdue_count"] == 2 and [c["reference"] for c in dept_ctx["due_soon"]] == [
        soon_dept.reference
    ]
    # Most overdue first.
    assert dept_ctx["overdue"][0]["overdue_days"] >= dept_ctx["overdue"][1]["overdue_days"]


def test_one_digest_per_head_per_day(tree):
    city, _dept, _other = tree
    head = UserFactory(username="h", email="h@example.gov.vn")
    MembershipFactory(user=head, authority=city, role=Role.HEAD_OF_UNIT)
    MembershipFactory(user=head, authority=city, role=Role.HEAD_OF_AGENCY)  # two roles, one digest
    _case(city, -1)
    assert len(notification_daily_digest()) == 2
    assert daily_digest_task() == 0  # the beat fires again the same day: nothing new
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert len(notification_daily_digest(now=tomorrow)) == 2
    keys = sorted(Notification.objects.values_list("dedupe_key", flat=True))
    today = timezone.localdate()
    assert f"digest:{today.isoformat()}:user:{head.pk}:inapp" in keys


def test_no_digest_when_nothing_is_due_or_the_head_is_inactive(tree):
    city, _dept, _other = tree
    idle = UserFactory(username="idle")
    MembershipFactory(user=idle, authority=city, role=Role.HEAD_OF_UNIT)
    gone = UserFactory(username="gone", is_active=False)
    MembershipFactory(user=gone, authority=city, role=Role.HEAD_OF_UNIT)
    _case(city, 30)
    assert notification_daily_digest() == []
    _case(city, -1)
    assert {n.recipient_user.username for n in notification_daily_digest()} == {"idle"}
