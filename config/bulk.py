"""Writing many rows of one model at once, and the guard rail that keeps everyone else from it.

``bulk_create`` on PostgreSQL sends each column as an array whose elements psycopg quotes one by one
in Python; for the thousands of rows of an escalation sweep chunk that costs more than the inserts
themselves. ``copy_insert`` streams the same rows with COPY, whose encoding runs in psycopg's C
implementation. Other databases (SQLite for ``make run``) get ``bulk_create``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

# Exactly these classes (a subclass, e.g. an encrypted field, may convert its value).
_PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
)


def copy_insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert ``objs`` (new rows, no signals, primary keys left to the database and not set on
    the objects). Raises ``IntegrityError`` like an INSERT when a row breaks a constraint."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and isinstance(f, AutoFieldMixin))]
    for obj in objs:  # defaults such as auto_now_add, as Model.save would apply them
        for f in fields:
            f.pre_save(obj, add=True)
    # Plain values go to psycopg as they are (it encodes ints and strings itself, in C); other fields
    # (dates and datetimes, whose time zone handling is Django's; JSON; custom types) through Django.
    plain = [type(f) in _PLAIN for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    # COPY goes round Django's cursor wrapper: translate driver errors (IntegrityError, ...) here.
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objs:
            values = [getattr(obj, f.attname) for f in fields]
            copy.write_row(
                [
                    v if is_plain else f.get_db_prep_save(v, connection)
                    for f, v, is_plain in zip(fields, values, plain, strict=True)
                ]
            )


def copy_history(objs: Sequence[models.Model], *, history_type: str = "~") -> None:
    """One django-simple-history record per object in ``objs`` (as ``bulk_history_create`` builds
    them: ``_history_user`` and ``_change_reason`` of each object), inserted with COPY."""
    if not objs:
        return
    historical = type(objs[0]).history.model  # type: ignore[attr-defined]
    now = timezone.now()
    copy_insert(
        historical,
        [
            historical(
                history_date=getattr(obj, "_history_date", now),
                history_user=getattr(obj, "_history_user", None),
                history_change_reason=getattr(obj, "_change_reason", "") or "",
                history_type=history_type,
                **{f.attname: getattr(obj, f.attname) for f in historical.tracked_fields},
            )
            for obj in objs
        ],
    )


_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
}


def update_rows(model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write ``fields`` of ``objs`` with one ``UPDATE … FROM (VALUES …)`` (``bulk_update`` builds a
    CASE per column whose cost grows with the square of the number of rows). No signals, no
    history: the caller writes those. The caller holds the row locks."""
    if not objs:
        return
    meta = model._meta
    columns: list[Any] = [meta.pk, *(meta.get_field(name) for name in fields)]
    postgres = connection.vendor == "postgresql"

    def placeholder(field) -> str:
        kind = field.get_internal_type()
        if kind in _INTEGER_TYPES or (
            field.is_relation and field.target_field.get_internal_type() in _INTEGER_TYPES
        ):
            return "CAST(%s AS bigint)"
        if kind == "DateTimeField" and postgres:
            return "CAST(%s AS timestamp with time zone)"
        return "%s"

    row = "(" + ", ".join(placeholder(f) for f in columns) + ")"
    params = [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in objs for f in columns]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    assignments = ", ".join(f"{quote(f.column)} = v.column{i}" for i, f in enumerate(columns[1:], start=2))
    sql = (
        f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(objs))}) AS v "  # noqa: S608 - names from model meta
        f"WHERE {table}.{quote(meta.pk.column)} = v.column1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# ------------------------------------------------------------------------------ the guard rail
#
# django-simple-history records a row's past only when the row is saved through the model; a
# ``QuerySet.update()`` or a plain ``bulk_create()`` changes rows and leaves no history record, so
# the timeline and the audit export would silently miss the change. The managers of the tracked
# models (Case, Party, Attachment, Deadline, Assignment) refuse both, except inside
# ``bulk_writer(...)``: the documented bulk writers (the escalation sweep's set-based services in
# ``cases.services``) open it and write the history records themselves (``copy_history``).

_writer: ContextVar[str | None] = ContextVar("kntc_bulk_writer", default=None)


class HistoryBypassError(RuntimeError):
    """A bulk write on a history-tracked model outside the documented bulk writer."""


@contextmanager
def bulk_writer(name: str) -> Iterator[None]:
    """Allow ``update()``/``bulk_create()`` on history-tracked models for the block; the caller
    writes their history records. ``name`` says who (for the error message of anybody else)."""
    token = _writer.set(name)
    try:
        yield
    finally:
        _writer.reset(token)


def _refuse(model: type[models.Model], what: str) -> None:
    if _writer.get() is None:
        raise HistoryBypassError(
            f"{model.__name__}.objects.{what}() would change rows without history records; save each "
            "row (save(update_fields=...)) or write inside config.bulk.bulk_writer() with copy_history()"
        )


class HistoryGuardedQuerySet(models.QuerySet[Any]):
    """The queryset of a history-tracked model: no history-less bulk writes (see above)."""

    def update(self, **kwargs: Any) -> int:
        _refuse(self.model, "update")
        return super().update(**kwargs)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        _refuse(self.model, "bulk_create")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        _refuse(self.model, "bulk_update")
        return super().bulk_update(objs, fields, *args, **kwargs)


HistoryGuardedManager = models.Manager.from_queryset(HistoryGuardedQuerySet)
