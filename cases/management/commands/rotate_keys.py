"""Re-encrypt identity under the current keys: ``manage.py rotate_keys``.

After putting a new key first in ``FIELD_ENCRYPTION_KEYS`` (keeping the old ones after it), this
re-encrypts every encrypted column of every model (parties, reception visitors, delivery
recipients, notification addresses, and their history rows: every ``EncryptedTextField``, found
from the models, so a new one cannot be forgotten) under the new first key,
recomputes each duplicate-detection digest with ``BLIND_INDEX_KEY``, and rewraps every private
file's data key (``cases.crypto.rewrap_file_bytes``; files written before encryption are
encrypted). When it reports nothing left, the old keys can be removed.

In batches (``--batch-size``), each its own transaction; resumable: a row or file already under
the first key is skipped, so running it again after an interruption carries on where it stopped
(``--start-after`` skips the ids a previous run reported done, ``--max-batches`` stops early).
A rotation is not a change to a case: no history record or event is written."""

from __future__ import annotations

import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from cases import crypto
from cases.models import Attachment
from cases.progress import progress_bar
from cases.storage import FILE_MODE


def encrypted_tables() -> list[tuple[str, str, tuple[str, ...]]]:
    """(table, primary-key column, encrypted columns) of every model holding ciphertext, the
    parties' table first (``--start-after`` counts its ids)."""
    tables = []
    for model in apps.get_models():
        columns = tuple(
            f.column for f in model._meta.concrete_fields if isinstance(f, crypto.EncryptedTextField)
        )
        if columns and not model._meta.proxy:
            tables.append((model._meta.db_table, model._meta.pk.column, columns))
    return sorted(tables, key=lambda t: (t[0] != "cases_party", t[0]))


def _has_column(table: str, column: str) -> bool:
    with connection.cursor() as cur:
        return column in {c.name for c in connection.introspection.get_table_description(cur, table)}


def _count(table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (names from model meta)
        return cur.fetchone()[0]


class Command(BaseCommand):
    help = "Re-encrypt identity rows and private files under the first FIELD_ENCRYPTION_KEYS key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--start-after", type=int, default=0, help="skip party ids up to this one")
        parser.add_argument(
            "--max-batches", type=int, default=0, help="stop after this many batches (0: all)"
        )
        parser.add_argument("--no-rows", action="store_true", help="files only")
        parser.add_argument("--no-files", action="store_true", help="rows only")

    def handle(self, *args, batch_size, start_after, max_batches, no_rows, no_files, **options):
        totals = {"rows": 0, "digests": 0, "files": 0}
        tables = [] if no_rows else encrypted_tables()
        total = sum(_count(table) for table, _key, _fields in tables)
        total += 0 if no_files else Attachment.objects.count()
        with progress_bar(self, total=total, unit="row", desc="rotate_keys") as bar:
            finished = self._rotate(bar, tables, totals, batch_size, start_after, max_batches, no_files)
        self.stdout.write(
            self.style.SUCCESS(
                f"{'done' if finished else 'stopped (run again to continue)'}: {totals['rows']} rows "
                f"re-encrypted, {totals['digests']} digests recomputed, {totals['files']} files rewrapped"
            )
        )

    def _rotate(self, bar, tables, totals, batch_size, start_after, max_batches, no_files) -> bool:
        batches = 0
        if tables:
            for table, key, fields in tables:
                last = start_after if table == "cases_party" else 0
                digest = "national_id" in fields and _has_column(table, "national_id_digest")
                while not (max_batches and batches >= max_batches):
                    done, changed, digests, last = self._rows(table, key, fields, digest, last, batch_size)
                    if not done:
                        break
                    bar.update(done)
                    batches += 1
                    totals["rows"] += changed
                    totals["digests"] += digests
                    self.stdout.write(
                        f"{table}: up to {key} {last}: {changed} re-encrypted, {digests} digests"
                    )
        if not no_files and not (max_batches and batches >= max_batches):
            last = 0
            while not (max_batches and batches >= max_batches):
                done, changed, last = self._files(last, batch_size)
                if not done:
                    break
                bar.update(done)
                batches += 1
                totals["files"] += changed
                self.stdout.write(f"files: up to attachment {last}: {changed} rewrapped")
        return not (max_batches and batches >= max_batches)

    def _rows(
        self, table: str, key: str, fields: tuple[str, ...], with_digest: bool, after: int, size: int
    ) -> tuple[int, int, int, int]:
        columns = ", ".join(fields) + (", national_id_digest" if with_digest else "")
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                f"SELECT {key}, {columns} FROM {table} "  # noqa: S608 (names from model meta)
                f"WHERE {key} > %s ORDER BY {key} LIMIT %s FOR UPDATE",
                [after, size],
            )
            rows = cur.fetchall()
            changed = digests = 0
            for row in rows:
                pk, values = row[0], list(row[1 : 1 + len(fields)])
                updates = {}
                for name, value in zip(fields, values, strict=True):
                    if value and not crypto.is_current(value):
                        updates[name] = crypto.rotate(value)
                if with_digest:
                    national_id = values[fields.index("national_id")]
                    wanted = crypto.blind_index(crypto.decrypt(national_id)) if national_id else ""
                    if wanted != (row[-1] or ""):
                        updates["national_id_digest"] = wanted
                        digests += 1
                if updates:
                    changed += 1 if set(updates) - {"national_id_digest"} else 0
                    assignments = ", ".join(f"{name} = %s" for name in updates)
                    cur.execute(
                        f"UPDATE {table} SET {assignments} WHERE {key} = %s",  # noqa: S608 (fixed names)
                        [*updates.values(), pk],
                    )
        return len(rows), changed, digests, (rows[-1][0] if rows else after)

    def _files(self, after: int, size: int) -> tuple[int, int, int]:
        root = Path(settings.PRIVATE_STORAGE_ROOT)
        rows = list(Attachment.objects.filter(pk__gt=after).order_by("pk").values_list("pk", "file")[:size])
        changed = 0
        for _pk, name in rows:
            path = root / name
            try:
                blob = path.read_bytes()
            except FileNotFoundError:
                self.stderr.write(f"missing file for attachment {_pk}: {name}")
                continue
            if crypto.file_is_current(blob):
                continue
            tmp = path.with_name(path.name + ".rotating")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
            with os.fdopen(fd, "wb") as fh:
                fh.write(crypto.rewrap_file_bytes(blob))
            os.replace(tmp, path)
            changed += 1
        return len(rows), changed, (rows[-1][0] if rows else after)
