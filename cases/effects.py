"""The one after-change port of the domain.

Every service, the escalation sweep's set-based services and the calendar recomputation end by
calling :func:`case_changed` inside their transaction, with the cases they changed, the events they
appended and, for the sweep, the deadline notices it raised. The domain does not know who listens:
``search`` (re-index after commit) and ``notifications`` (outbox rows in the same transaction)
register their handlers in their ``AppConfig.ready()``. No module under ``cases/`` imports either.

A handler runs synchronously inside the caller's transaction, so an outbox row is committed or
rolled back with the change that caused it; work for after the commit (queueing a task) is the
handler's to schedule with ``transaction.on_commit``. A handler must not raise for a broker or
index outage: the change itself has to commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .models import Case, CaseEvent, Deadline


@dataclass(frozen=True)
class DeadlineNotice:
    """A rung of the escalation ladder taken for one deadline by the sweep: ``level`` 0 is a
    warning ``days`` working days before the due date, 1–3 a breach ``days`` working days after it
    (1 head of unit, 2 head of agency, 3 the superior authority). Not an event of its own: the
    ``Escalation`` row is the record, and a level climbed is a ``case.escalated`` event."""

    case: Case
    deadline: Deadline
    step: str
    level: int
    days: int


@dataclass(frozen=True)
class Change:
    """What one call of :func:`case_changed` tells the listeners."""

    case_ids: tuple[int, ...]
    events: tuple[CaseEvent, ...] = ()
    notices: tuple[DeadlineNotice, ...] = ()
    # Secrets for the messages of one case's events (the receipt's access key): never stored in an
    # event, handed to the notifications layer only.
    secrets: Mapping[str, str] = field(default_factory=dict)
    # Cases of ``case_ids`` the caller has loaded (listeners may use them instead of reading again).
    cases: Mapping[int, Case] = field(default_factory=dict)
    # False when nothing a search document holds changed (the sweep's warnings only).
    reindex: bool = True


class Listener(Protocol):
    def __call__(self, change: Change) -> None: ...


_listeners: dict[str, Listener] = {}


def register(name: str, listener: Listener) -> None:
    """Add (or replace) a listener; ``name`` keeps registration idempotent across reloads."""
    _listeners[name] = listener


def unregister(name: str) -> None:
    _listeners.pop(name, None)


def listeners() -> dict[str, Listener]:
    return dict(_listeners)


def case_changed(
    case_ids: Iterable[int],
    *,
    events: Sequence[CaseEvent] = (),
    notices: Sequence[DeadlineNotice] = (),
    secrets: Mapping[str, str] | None = None,
    cases: Iterable[Case] = (),
    reindex: bool = True,
) -> Change:
    """Tell every listener that ``case_ids`` changed (call inside the service's transaction)."""
    ids = tuple(dict.fromkeys(int(i) for i in case_ids))
    change = Change(
        case_ids=ids,
        events=tuple(events),
        notices=tuple(notices),
        secrets=dict(secrets or {}),
        cases={c.pk: c for c in cases},
        reindex=reindex,
    )
    if not ids:
        return change
    for listener in list(_listeners.values()):
        listener(change)
    return change
