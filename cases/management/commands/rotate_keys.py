"""Re-encrypt identity under the current keys: ``manage.py rotate_keys``.

After putting a new key first in ``FIELD_ENCRYPTION_KEYS`` (keeping the old ones after it), this
re-encrypts every party's identity fields and their history rows under the new first key,
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

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from cases import crypto
from cases.models import Attachment
from cases.storage import FILE_MODE

FIELDS = ("full_name", "national_id", "address", "phone", "email")
TABLES = (("cases_party", "id"), ("cases_historicalparty", "history_id"))
# Other encrypted rows, without a digest: (table, key, columns). The protection of denouncers
# (cases.protection: the protected people and the texts of their file, Law on Denunciations Art 56).
_REQUEST = ("reasons", "decision_basis", "responsibilities", "refusal_reasons", "end_note")
_PERSON = ("full_name", "address", "phone")
PLAIN_TABLES = (
    ("protection_protectionrequest", "id", _REQUEST),
    ("protection_historicalprotectionrequest", "history_id", _REQUEST),
    ("protection_protectedperson", "id", _PERSON),
    ("protection_historicalprotectedperson", "history_id", _PERSON),
    ("protection_protectiondocument", "id", ("summary",)),
)


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
        batches = 0
        totals = {"rows": 0, "digests": 0, "files": 0}
        if not no_rows:
            for table, key in TABLES:
                last = start_after if table == "cases_party" else 0
                while not (max_batches and batches >= max_batches):
                    done, changed, digests, last = self._rows(table, key, last, batch_size)
                    if not done:
                        break
                    batches += 1
                    totals["rows"] += changed
                    totals["digests"] += digests
                    self.stdout.write(
                        f"{table}: up to {key} {last}: {changed} re-encrypted, {digests} digests"
                    )
            for table, key, columns in PLAIN_TABLES:
                last = 0
                while not (max_batches and batches >= max_batches):
                    done, changed, last = self._plain_rows(table, key, columns, last, batch_size)
                    if not done:
                        break
                    batches += 1
                    totals["rows"] += changed
                    self.stdout.write(f"{table}: up to {key} {last}: {changed} re-encrypted")
        if not no_files and not (max_batches and batches >= max_batches):
            last = 0
            while not (max_batches and batches >= max_batches):
                done, changed, last = self._files(last, batch_size)
                if not done:
                    break
                batches += 1
                totals["files"] += changed
                self.stdout.write(f"files: up to attachment {last}: {changed} rewrapped")
        finished = not (max_batches and batches >= max_batches)
        self.stdout.write(
            self.style.SUCCESS(
                f"{'done' if finished else 'stopped (run again to continue)'}: {totals['rows']} rows "
                f"re-encrypted, {totals['digests']} digests recomputed, {totals['files']} files rewrapped"
            )
        )

    def _rows(self, table: str, key: str, after: int, size: int) -> tuple[int, int, int, int]:
        columns = ", ".join(FIELDS)
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                f"SELECT {key}, {columns}, national_id_digest FROM {table} "  # noqa: S608 (fixed names)
                f"WHERE {key} > %s ORDER BY {key} LIMIT %s FOR UPDATE",
                [after, size],
            )
            rows = cur.fetchall()
            changed = digests = 0
            for row in rows:
                pk, values, digest = row[0], list(row[1 : 1 + len(FIELDS)]), row[-1]
                updates = {}
                for name, value in zip(FIELDS, values, strict=True):
                    if value and not crypto.is_current(value):
                        updates[name] = crypto.rotate(value)
                national_id = values[FIELDS.index("national_id")]
                wanted = crypto.blind_index(crypto.decrypt(national_id)) if national_id else ""
                if wanted != (digest or ""):
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

    def _plain_rows(
        self, table: str, key: str, columns: tuple, after: int, size: int
    ) -> tuple[int, int, int]:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                f"SELECT {key}, {', '.join(columns)} FROM {table} "  # noqa: S608 (fixed names)
                f"WHERE {key} > %s ORDER BY {key} LIMIT %s FOR UPDATE",
                [after, size],
            )
            rows = cur.fetchall()
            changed = 0
            for row in rows:
                updates = {
                    name: crypto.rotate(value)
                    for name, value in zip(columns, row[1:], strict=True)
                    if value and not crypto.is_current(value)
                }
                if updates:
                    changed += 1
                    assignments = ", ".join(f"{name} = %s" for name in updates)
                    cur.execute(
                        f"UPDATE {table} SET {assignments} WHERE {key} = %s",  # noqa: S608 (fixed names)
                        [*updates.values(), row[0]],
                    )
        return len(rows), changed, (rows[-1][0] if rows else after)

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
