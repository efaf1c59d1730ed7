"""Index lifecycle.

python manage.py search_index rebuild     # new versioned index, alias swapped atomically
python manage.py search_index check       # database vs index: what drifted
python manage.py search_index reconcile   # re-index the drift (what the nightly task does)
python manage.py search_index status      # backend, alias, indices, documents, pending"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from cases.progress import progress_bar

from ...backends import BACKENDS, get_backend
from ...backends.base import Drift, SearchUnavailable
from ...models import PendingIndex
from ...sync import rebuild, reconcile

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Quản lý chỉ mục tìm kiếm hồ sơ / Manage the case search index (rebuild, check, reconcile, status)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("rebuild", "check", "reconcile", "status"))
        parser.add_argument("--backend", choices=BACKENDS, help="mặc định: settings.SEARCH_BACKEND")
        parser.add_argument("--json", action="store_true", dest="as_json", help="in kết quả dạng JSON")
        parser.add_argument(
            "--exit-code",
            action="store_true",
            help="check: thoát với mã 1 nếu có chênh lệch / exit 1 on drift",
        )

    def handle(self, *args, action, backend=None, as_json=False, exit_code=False, **opts):
        search_backend = get_backend(backend)
        try:
            if action == "rebuild":
                with progress_bar(self, total=Case.objects.count(), unit="case", desc="rebuild") as bar:
                    count = rebuild(search_backend, progress=bar.update)
                self._out(
                    as_json,
                    {"backend": search_backend.name, "documents": count},
                    f"Đã xây dựng lại chỉ mục ({search_backend.name}): {count} hồ sơ. "
                    f"/ Index rebuilt: {count} cases.",
                )
            elif action == "check":
                drift = search_backend.check()
                if as_json:
                    self.stdout.write(_json({"backend": search_backend.name, **drift.as_dict()}))
                else:
                    self._print_drift(search_backend.name, drift)
                if exit_code and not drift.is_zero:
                    raise SystemExit(1)
            elif action == "reconcile":
                report = reconcile(search_backend)
                if as_json:
                    self.stdout.write(_json(report.as_dict()))
                else:
                    self.stdout.write(
                        f"Đồng bộ chỉ mục ({report.backend}): chênh lệch {report.before.total}, "
                        f"đã lập chỉ mục lại {report.indexed}, đã xóa {report.removed}, "
                        f"còn chênh lệch {report.after.total if report.after else '?'}. "
                        f"/ Reconciled: drift {report.before.total} → "
                        f"{report.after.total if report.after else '?'}."
                    )
            else:
                health = search_backend.health()
                health["database_cases"] = Case.objects.count()
                health["pending"] = PendingIndex.objects.count()
                if as_json:
                    self.stdout.write(_json(health))
                else:
                    for key, value in health.items():
                        self.stdout.write(f"{key}: {value}")
        except SearchUnavailable as exc:
            raise CommandError(
                f"Chỉ mục tìm kiếm không truy cập được / search index unavailable: {exc}"
            ) from exc

    def _out(self, as_json, data, text):
        self.stdout.write(_json(data) if as_json else text)

    def _print_drift(self, backend_name: str, drift: Drift) -> None:
        self.stdout.write(
            f"Chỉ mục ({backend_name}): {drift.database_count} hồ sơ trong CSDL, "
            f"{drift.index_count} trong chỉ mục. / {drift.database_count} in the database, "
            f"{drift.index_count} in the index."
        )
        self.stdout.write(
            f"Chênh lệch / drift: {drift.total} — thiếu/missing {len(drift.missing)}, "
            f"cũ/stale {len(drift.stale)}, thừa/orphans {len(drift.orphans)}, "
            f"chờ/pending {len(drift.pending)}"
        )
        refs = dict(
            Case.objects.filter(
                pk__in=[*drift.missing, *drift.stale, *drift.pending][: SHOWN * 3]
            ).values_list("pk", "reference")
        )
        for label, ids in (
            ("thiếu / missing", drift.missing),
            ("cũ / stale", drift.stale),
            ("thừa / orphans", drift.orphans),
            ("chờ / pending", drift.pending),
        ):
            if ids:
                shown = ", ".join(refs.get(i, f"#{i}") for i in ids[:SHOWN])
                more = f" (+{len(ids) - SHOWN})" if len(ids) > SHOWN else ""
                self.stdout.write(f"  {label}: {shown}{more}")
        if drift.is_zero:
            self.stdout.write("Không có chênh lệch. / No drift.")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
