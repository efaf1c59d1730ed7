"""Reads of oversight and reporting from a PostgreSQL streaming replica, when one is configured.

One explicit mechanism, no guessing by model: code that only reads and may be a little behind the
primary runs inside ``reads_from_replica()`` (a context manager and a decorator); ``ReplicaRouter``
sends the ORM's reads made inside it to ``settings.DATABASE_READ_REPLICA`` (the alias ``replica``,
set from ``REPLICA_DATABASE_URL``). Everything else, and every write, goes to ``default``, the
primary. With no replica configured (``make run``, the test suite) nothing changes: every read and
write goes to ``default``.

Which doors read from the replica (docs/deployment.md, "PostgreSQL primary and replica"):

- the oversight dashboard and its tabs and exports (``search.views.oversight_view``),
- the periodic reports' pages, drill-downs, workbooks and differences, on GET
  (``cases.reports.views._Base``),
- the selectors behind them wherever they are called from: the database search backend's stalled
  finder and backlog (``search.backends.database``), ``search.finder.find_stalled_rows`` (and so
  ``manage.py find_stalled``), ``cases.reports.compute.compute_report``, the public statistics
  (``publicsite.statistics.public_statistics``).

Replication lag: a replica is behind the primary by the time it takes to replay the WAL (normally
well under a second, more under a heavy write load). A page read right after the reader's own write
must show that write, so reads inside ``reads_from_replica()`` still go to the primary when:

1. the request is not a safe one (POST, PUT, PATCH, DELETE): it writes, and what it reads back
   must be current (the filing of a report reads the figures it freezes);
2. the browser wrote a moment ago: every unsafe request sets the ``kntc_primary`` cookie for
   ``REPLICA_PIN_SECONDS`` (30 s by default, far above a healthy replica's lag), and a request that
   carries it reads from the primary: the page a form redirects to (the filed report after
   "file", the dashboard after an action in the workspace) shows what was just done;
3. the same request (or, outside a request, the same ``reads_from_replica()`` block) has already
   written through the ORM: ``db_for_write`` pins the rest of it to the primary;
4. a transaction is open on the primary (``transaction.atomic()``): reads inside it must see its
   own uncommitted rows (``report_file`` computes the snapshot it files inside its transaction).

What never reads from the replica: every write path (services), the staff workspace (lists, case
page, role home pages, where people act and expect to see the result), the public intake and
tracking, the API, Celery tasks (the sweep, the drains, indexing), management commands other than
``find_stalled``. Other people's writes show on the replica's pages after the lag; oversight and
reports are about days and weeks, so a second does not matter.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

PIN_COOKIE = "kntc_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass
class _Scope:
    """One request (or one outermost ``reads_from_replica()`` block outside a request)."""

    pinned: bool = False  # its reads go to the primary
    wrote: bool = False  # it has written through the ORM


_replica_reads: ContextVar[bool] = ContextVar("kntc_replica_reads", default=False)
_scope: ContextVar[_Scope | None] = ContextVar("kntc_primary_scope", default=None)


def replica_alias() -> str:
    """The alias of the configured read replica, or "" when there is none."""
    return getattr(settings, "DATABASE_READ_REPLICA", "") or ""


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Reads inside this block may go to the read replica (see the module's doc for when they still
    go to the primary). Use it as ``with reads_from_replica():`` or ``@reads_from_replica()``.
    Querysets are lazy: what counts is where a query is *evaluated*, so wrap the code that runs it."""
    reads = _replica_reads.set(True)
    scope = _scope.set(_Scope()) if _scope.get() is None else None
    try:
        yield
    finally:
        if scope is not None:
            _scope.reset(scope)
        _replica_reads.reset(reads)


@contextmanager
def primary_scope(*, pinned: bool = False) -> Iterator[_Scope]:
    """A fresh scope of its own (a request: ``PrimaryAfterWriteMiddleware``); ``pinned`` sends its
    reads to the primary from the start."""
    scope = _Scope(pinned=pinned)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def read_database() -> str:
    """Where a read made now goes: the replica's alias inside ``reads_from_replica()`` unless one of
    the read-your-own-writes rules applies, else ``default``. Raw SQL uses it too
    (``connections[read_database()]``)."""
    alias = replica_alias()
    if not alias or not _replica_reads.get():
        return DEFAULT_DB_ALIAS
    scope = _scope.get()
    if scope is not None and scope.pinned:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return alias


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads where ``read_database()`` says, every write to the primary (also
    for an object read from the replica), no migrations on the replica (it replays the primary's)."""

    def db_for_read(self, model, **hints) -> str:
        return read_database()

    def db_for_write(self, model, **hints) -> str:
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
            scope.pinned = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        same_data = {DEFAULT_DB_ALIAS, replica_alias() or DEFAULT_DB_ALIAS}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        if db != DEFAULT_DB_ALIAS and db in {replica_alias(), "replica"}:
            return False
        return None


class PrimaryAfterWriteMiddleware:
    """Gives each request its scope: pinned to the primary when it is unsafe (it writes) or when the
    browser wrote less than ``REPLICA_PIN_SECONDS`` ago (the ``kntc_primary`` cookie, set by every
    unsafe request). Without a replica it does nothing visible (no cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replica = bool(replica_alias())
        unsafe = request.method not in SAFE_METHODS
        pinned = unsafe or (replica and PIN_COOKIE in request.COOKIES)
        with primary_scope(pinned=pinned):
            response = self.get_response(request)
        if replica and unsafe:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
