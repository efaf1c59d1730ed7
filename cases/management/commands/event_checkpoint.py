"""``manage.py event_checkpoint``: sign the state of every case's event chain at the end of a day
(default: yesterday), store the statement and write the export for the superior agency
(``cases.audit.checkpoints``). ``--generate-key`` creates the Ed25519 key file first (0600)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.audit import checkpoints


class Command(BaseCommand):
    help = "Ký điểm kiểm chứng nhật ký sự kiện / sign a daily checkpoint over every event chain."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--export-dir", default=None, help="where the export is written")
        parser.add_argument("--generate-key", action="store_true", help="create the signing key file")

    def handle(self, *args, day=None, export_dir=None, generate_key=False, **options):
        key_file = Path(settings.EVENT_CHECKPOINT_KEY_FILE)
        if generate_key:
            if key_file.exists():
                raise CommandError(f"{key_file} exists; a signing key is never overwritten")
            key = checkpoints.generate_key(key_file)
            self.stdout.write(f"key {checkpoints.key_id(key.public_key())} written to {key_file}")
            self.stdout.write(checkpoints.public_pem(key.public_key()))
        if not key_file.exists():
            raise CommandError(f"no signing key at {key_file} (run with --generate-key once)")
        try:
            when = dt.date.fromisoformat(day) if day else timezone.localdate() - dt.timedelta(days=1)
        except ValueError as exc:
            raise CommandError("--day takes YYYY-MM-DD") from exc
        target = Path(export_dir or settings.EVENT_CHECKPOINT_EXPORT_DIR)
        try:
            checkpoint, path = checkpoints.checkpoint_create(day=when, export_dir=target)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"checkpoint {checkpoint.day:%d/%m/%Y}: {checkpoint.case_count} cases, {checkpoint.event_count} "
            f"events, root {checkpoint.root[:16]}…, exported to {path}"
        )
