"""Dates relative to ``now`` in the local time zone, and the working-day calendar.

Both backends turn "N days without activity" and "overdue by K days" into the same datetime
thresholds here, so they select exactly the same cases."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def local_date(value: datetime) -> date:
    return timezone.localtime(value).date()


def day_start(d: date) -> datetime:
    """Local midnight at the start of ``d`` (Asia/Ho_Chi_Minh), as an aware datetime."""
    return timezone.make_aware(datetime.combine(d, time.min))


def working_calendar():
    """The working-day calendar built from the Holiday table.

    Uses ``cases.selectors.working_calendar`` when the case app provides it; until then builds a
    ``cases.deadlines.WorkingCalendar`` from the Holiday rows itself."""
    try:
        from cases.selectors import working_calendar as selector
    except ImportError:
        selector = None
    if selector is not None:
        return selector()
    return _calendar_from_holidays()


def _calendar_from_holidays():
    from cases.deadlines import WorkingCalendar
    from cases.models import Holiday

    return WorkingCalendar(Holiday.objects.values_list("date", "kind"))


def inactivity_cutoff(today: date, days: int, *, working: bool = False, calendar=None) -> date:
    """The latest activity date that counts as ``days`` (working) days or more without activity.

    Calendar days: ``today - days``. Working days: the latest D with
    ``calendar.working_days_between(D, today) >= days``."""
    if not working:
        return today - timedelta(days=days)
    d, counted = today, 0
    while counted < days:
        if calendar.is_working_day(d):
            counted += 1
        d -= timedelta(days=1)
    return d


def age_threshold(today: date, days: int) -> datetime:
    """Cases whose date (local) is at least ``days`` days before ``today`` have a datetime strictly
    before this instant."""
    return day_start(today - timedelta(days=days) + timedelta(days=1))
