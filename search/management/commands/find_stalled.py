"""Find long-stalled open cases, through the configured search backend or a chosen one.

    python manage.py find_stalled --days 30 --working-days --authority HN-SXD --format json

Only open cases (cases.workflow.OPEN_STATES) are ever listed. All criteria are combined with AND.
Days are counted up to today in Asia/Ho_Chi_Minh; ``--now`` (hidden) fixes "today" for tests."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Authority, CaseKind
from cases.workflow import OPEN_STATES

from ...backends import BACKENDS, get_backend
from ...backends.base import SearchUnavailable
from ...criteria import StalledCriteria, open_statuses_in_order
from ...exports import to_csv
from ...finder import COLUMNS, find_stalled_rows

TABLE_COLUMNS = (
    ("reference", "Mã hồ sơ", 16),
    ("status", "Trạng thái", 10),
    ("authority", "Cơ quan", 12),
    ("days_since_activity", "Ngày", 5),
    ("working_days_since_activity", "NLV", 4),
    ("overdue_days", "Quá hạn", 7),
    ("transfer_count", "Chuyển", 6),
    ("extension_count", "Gia hạn", 7),
    ("escalation_level", "Cấp", 3),
    ("subject", "Tiêu đề", 40),
)


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return number


def _when(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


class Command(BaseCommand):
    help = "Tìm hồ sơ đang giải quyết bị ngưng trệ, quá hạn, chuyển nhiều lần... / Find stalled open cases."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=_non_negative, help="không có hoạt động ít nhất N ngày / idle ≥ N days"
        )
        parser.add_argument(
            "--working-days", action="store_true", help="đếm --days theo ngày làm việc / count working days"
        )
        parser.add_argument("--overdue-by", type=_non_negative, metavar="K", help="quá hạn ít nhất K ngày")
        parser.add_argument("--min-transfers", type=_non_negative, metavar="K", help="chuyển ít nhất K lần")
        parser.add_argument("--min-extensions", type=_non_negative, metavar="X", help="gia hạn ít nhất X lần")
        parser.add_argument("--min-escalation", type=_non_negative, metavar="L", help="cấp cảnh báo ≥ L")
        parser.add_argument("--min-reassignments", type=_non_negative, metavar="K")
        parser.add_argument("--min-suspensions", type=_non_negative, metavar="K")
        parser.add_argument("--authority", metavar="CODE", help="mã cơ quan, gồm cả đơn vị trực thuộc")
        parser.add_argument("--kind", choices=CaseKind.values)
        parser.add_argument(
            "--status",
            action="append",
            choices=open_statuses_in_order(),
            help="trạng thái (lặp lại được) / status (repeatable)",
        )
        parser.add_argument("--assignee", metavar="USERNAME")
        parser.add_argument("--backend", choices=BACKENDS, help="mặc định: settings.SEARCH_BACKEND")
        parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
        parser.add_argument("--limit", type=_non_negative)
        parser.add_argument("--now", type=_when, help=argparse.SUPPRESS)

    def handle(self, *args, **opts):
        if opts["authority"] and not Authority.objects.filter(code=opts["authority"]).exists():
            raise CommandError(f"Không có cơ quan mã {opts['authority']!r} / no authority with that code")
        statuses = tuple(opts["status"] or ())
        if set(statuses) - OPEN_STATES:  # argparse choices already refuse them; belt and braces
            raise CommandError("Chỉ hồ sơ đang giải quyết mới có thể bị ngưng trệ / only open states")
        assignee_id = None
        if opts["assignee"]:
            user = get_user_model().objects.filter(username=opts["assignee"]).first()
            if user is None:
                raise CommandError(f"Không có người dùng {opts['assignee']!r} / no such user")
            assignee_id = user.pk
        criteria = StalledCriteria(
            days=opts["days"],
            working_days=opts["working_days"],
            overdue_by=opts["overdue_by"],
            min_transfers=opts["min_transfers"],
            min_extensions=opts["min_extensions"],
            min_escalation=opts["min_escalation"],
            min_reassignments=opts["min_reassignments"],
            min_suspensions=opts["min_suspensions"],
            authority=opts["authority"],
            kind=opts["kind"],
            statuses=statuses,
            assignee_id=assignee_id,
        )
        if opts["working_days"] and opts["days"] is None:
            raise CommandError("--working-days cần --days N / --working-days needs --days N")
        now = opts["now"] or timezone.now()
        backend = get_backend(opts["backend"])
        try:
            rows = find_stalled_rows(criteria, now=now, backend=backend, limit=opts["limit"])
        except SearchUnavailable as exc:
            raise CommandError(
                f"Không truy vấn được chỉ mục tìm kiếm ({exc}). Thử --backend database. "
                "/ The search index is unavailable; try --backend database."
            ) from exc
        fmt = opts["format"]
        if fmt == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=_json_default))
        elif fmt == "csv":
            keys = [k for k, _label in COLUMNS]
            data = to_csv(keys, ([row[k] for k in keys] for row in rows))
            self.stdout.write(data.decode("utf-8").lstrip("\ufeff"), ending="")
        else:
            self._table(rows, backend.name, now)

    def _table(self, rows, backend_name, now):
        header = "  ".join(f"{label:<{width}}"[:width] for _k, label, width in TABLE_COLUMNS)
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in rows:
            cells = []
            for key, _label, width in TABLE_COLUMNS:
                text = str(row[key])
                cells.append(f"{text:<{width}}"[:width])
            self.stdout.write("  ".join(cells).rstrip())
        stamp = timezone.localtime(now).strftime("%d/%m/%Y %H:%M")
        self.stdout.write(
            _("%(n)s hồ sơ (nguồn: %(backend)s, tính đến %(now)s)")
            % {"n": len(rows), "backend": backend_name, "now": stamp}
        )


def _json_default(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
