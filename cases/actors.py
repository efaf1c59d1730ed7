"""Who is acting: a staff user, the system, or a citizen whose tracking key was checked.

Every service takes ``actor`` explicitly. ``None`` means nobody and is refused
(``permissions.check_can`` raises), so a view that forgets to pass the actor fails closed instead
of acting with the system's rights.

- a staff member: their ``User`` (permissions by role and authority, ``cases.permissions``);
- ``SYSTEM``: the sweep, the calendar import, the seeding commands; may do what the law lets a
  machine do (open deadlines, escalate, flag stalled cases), never a decision;
- ``Citizen``: the person who filed the case, after the caller checked the case's tracking key
  (``selectors.case_get_for_tracking``); or, for ``case_submit`` online, the not yet known filer
  (``Citizen.filing()``). A citizen may only act on their own case, and only with the key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


@dataclass(frozen=True)
class System:
    """The system acting on its own (a scheduled task, an import, a command)."""

    name: str = "system"

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Citizen:
    """The complainant or denouncer. ``case_id`` is the case whose key was checked (None while
    filing a new case online); ``key_checked`` must be True for anything but filing."""

    case_id: int | None
    key_checked: bool = False

    @classmethod
    def filing(cls) -> Citizen:
        return cls(case_id=None, key_checked=False)

    @classmethod
    def with_key(cls, case_id: int) -> Citizen:
        """The citizen of ``case_id``, whose tracking key the caller has just verified."""
        return cls(case_id=case_id, key_checked=True)

    def owns(self, case_id: int | None) -> bool:
        return self.key_checked and case_id is not None and self.case_id == case_id


SYSTEM: Final = System()

Actor: TypeAlias = "User | AnonymousUser | System | Citizen"


def is_staff_user(actor: object) -> bool:
    """A Django user (authenticated or not); not the system, not a citizen."""
    return actor is not None and not isinstance(actor, System | Citizen)


def history_user(actor: object) -> User | None:
    """The user django-simple-history records for a change: the staff user, else nobody."""
    if actor is None or isinstance(actor, System | Citizen) or not getattr(actor, "is_authenticated", False):
        return None
    user: User = actor  # type: ignore[assignment]  # an authenticated Django user
    return user


def event_actor(actor: object) -> User | None:
    """The user a CaseEvent points to (None for the system and for citizens)."""
    return history_user(actor)


def stamp(obj: Any, actor: object, reason: str) -> None:
    """What django-simple-history records with the next save of ``obj``: who and why."""
    obj._history_user = history_user(actor)
    obj._change_reason = reason
