"""Writing many rows of one model at once.

``bulk_create`` on PostgreSQL sends each column as an array whose elements psycopg quotes one by one
in Python; for the thousands of rows of an escalation sweep chunk that costs more than the inserts
themselves. ``copy_insert`` streams the same rows with COPY, whose encoding runs in psycopg's C
implementation. Other databases (SQLite for ``make run``) get ``bulk_create``."""

from __future__ import annotations

from collections.abc import Sequence

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
    historical = type(objs[0]).history.model
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
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
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
