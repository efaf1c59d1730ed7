# ruff: noqa: E501  (the synthetic-data SQL reads better unwrapped)
"""EXPLAIN (ANALYZE) the inspector workspace's list queries on PostgreSQL, exactly as the views
build them (scope, filters, ordering by next deadline, page of 50, capped count).

    manage.py explain_case_lists                      # on the current database
    manage.py explain_case_lists --fill 1000000       # first fill a *_bench database with synthetic cases

``--fill`` writes synthetic rows with plain SQL (no history, no events): it refuses to run unless the
database name ends in ``_bench``."""

from __future__ import annotations

import re
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import RequestFactory

from cases.admin import listing
from cases.models import Authority, Membership, Role

QUERIES = [
    # (label, user key, preset, query string)
    ("inspector · Tất cả (default: next due date)", "inspector", "all", ""),
    ("inspector · Việc của tôi", "inspector", "mine", ""),
    ("head of agency (whole city) · Tất cả", "director", "all", ""),
    ("head of agency · Chờ phân loại", "director", "triage", ""),
    ("head of agency · Quá hạn", "director", "overdue", ""),
    ("head of agency · Sắp đến hạn", "director", "due_soon", ""),
    (
        "auditor · dashboard link",
        "auditor",
        "all",
        "status=received&authority=HN&kind=complaint&stalled=1&overdue=1",
    ),
    ("auditor · escalation >= 2", "auditor", "all", "escalation=2"),
    (
        "auditor · channel + received range",
        "auditor",
        "all",
        "channel=post&received_from=2026-01-01&received_to=2026-03-31",
    ),
    (
        "auditor · unit sub-tree, sorted by received",
        "auditor",
        "all",
        "authority=HN-U07&ordering=-received_at",
    ),
]


class Command(BaseCommand):
    help = "EXPLAIN ANALYZE the case list queries (PostgreSQL)"

    def add_arguments(self, parser):
        parser.add_argument("--fill", type=int, default=0, help="synthetic cases to add first (*_bench only)")
        parser.add_argument("--no-analyze", action="store_true")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("PostgreSQL only")
        if options["fill"]:
            name = connection.settings_dict["NAME"]
            if not name.endswith("_bench"):
                raise CommandError(
                    "--fill writes synthetic rows: only on a database whose name ends in _bench"
                )
            self._fill(options["fill"])
        users = self._users()
        factory = RequestFactory()
        for label, who, preset, qs in QUERIES:
            request = factory.get("/admin/cases/?" + qs)
            request.user = users[who]
            view = listing.CaseIndexView(preset=preset)
            view.setup(request)
            queryset = view.get_queryset()
            page = queryset.prefetch_related(None)[:50]
            self.stdout.write(self.style.MIGRATE_HEADING(f"\n=== {label}  ({preset} ?{qs})"))
            self._explain(*page.query.sql_with_params(), options)
            count_sql, params = (
                queryset.prefetch_related(None)
                .order_by()
                .values("pk")[: listing.COUNT_CAP + 1]
                .query.sql_with_params()
            )
            self.stdout.write("--- capped count")
            # count_sql is Django's own SQL for the queryset; values stay in params.
            self._explain(f"SELECT COUNT(*) FROM ({count_sql}) capped", params, options)  # noqa: S608

    def _explain(self, sql, params, options):
        analyze = "" if options["no_analyze"] else "ANALYZE, BUFFERS, "
        with connection.cursor() as cur:
            started = time.perf_counter()
            cur.execute(f"EXPLAIN ({analyze}COSTS OFF) {sql}", params)
            plan = [row[0] for row in cur.fetchall()]
            elapsed = (time.perf_counter() - started) * 1000
        for line in plan:
            self.stdout.write("  " + line)
        scans = sorted(
            set(
                re.findall(r"(Seq Scan on \w+|Index(?: Only)? Scan(?: Backward)? using \w+)", "\n".join(plan))
            )
        )
        self.stdout.write(f"  -> {elapsed:.1f} ms; " + "; ".join(scans))

    def _users(self):
        User = get_user_model()
        out = {}
        for key, role, code in (
            ("inspector", Role.INSPECTOR, "HN-U07"),
            ("director", Role.HEAD_OF_AGENCY, "HN"),
            ("auditor", Role.AUDITOR, "HN"),
        ):
            user, _ = User.objects.get_or_create(username=f"explain_{key}", defaults={"is_staff": True})
            authority = Authority.objects.filter(code=code).first()
            if authority is None:
                raise CommandError(f"authority {code} missing: run with --fill on a *_bench database first")
            Membership.objects.get_or_create(user=user, authority=authority, role=role)
            out[key] = User.objects.get(pk=user.pk)
        return out

    def _fill(self, n: int) -> None:
        self.stdout.write(f"filling {n} synthetic cases ...")
        hn, _ = Authority.objects.get_or_create(
            code="HN", defaults={"name_vi": "UBND Thành phố Hà Nội", "level": "provincial"}
        )
        hp, _ = Authority.objects.get_or_create(
            code="HP", defaults={"name_vi": "UBND Thành phố Hải Phòng", "level": "provincial"}
        )
        for parent, prefix, count in ((hn, "HN-U", 40), (hp, "HP-U", 10)):
            for i in range(count):
                Authority.objects.get_or_create(
                    code=f"{prefix}{i:02d}",
                    defaults={"name_vi": f"Đơn vị {prefix}{i:02d}", "level": "department", "parent": parent},
                )
        User = get_user_model()
        for i in range(200):
            user, _ = User.objects.get_or_create(username=f"bench_inspector_{i}", defaults={"is_staff": True})
            Membership.objects.get_or_create(
                user=user, authority=Authority.objects.get(code=f"HN-U{i % 40:02d}"), role=Role.INSPECTOR
            )
        with connection.cursor() as cur:
            cur.execute(
                """
                WITH auth AS (SELECT array_agg(id ORDER BY code) ids FROM cases_authority WHERE code LIKE 'H_-U%%'),
                     usr AS (SELECT array_agg(id ORDER BY id) ids FROM auth_user WHERE username LIKE 'bench_inspector_%%')
                INSERT INTO cases_case (
                    reference, access_key_hash, kind, complaint_level, status, status_before_suspension, channel,
                    received_at, subject, description, contested_act, accused_name, accused_position, complexity,
                    remote_area, escalation_level, last_activity_at, next_due_at, outcome, outcome_summary,
                    reason_code, reason_text, duplicate_suspected, extension_count, transfer_count,
                    reassignment_count, suspension_count, version, event_head, event_count, created_at, updated_at,
                    authority_id, assignee_id)
                SELECT
                    'BX-' || (2023 + g %% 4) || '-' || lpad(g::text, 9, '0'),
                    md5(g::text),
                    (ARRAY['complaint','denunciation','petition','anonymous_report'])[1 + (g %% 10 > 5)::int + (g %% 10 > 7)::int + (g %% 10 > 8)::int],
                    '',
                    st,
                    '',
                    (ARRAY['online','post','in_person','referral_deputy','referral_agency'])[1 + g %% 5],
                    rec,
                    'Đơn số ' || g,
                    'Nội dung đơn số ' || g,
                    '', '', '', 'normal', false,
                    CASE WHEN g %% 97 = 0 THEN 1 + g %% 3 ELSE 0 END,
                    rec + ((g %% 60) || ' days')::interval,
                    CASE WHEN st IN ('received','accepted','verifying','dialogue','concluded','decided')
                         THEN rec + ((10 + g %% 50) || ' days')::interval END,
                    '', '', '', '', g %% 50 = 0, 0, 0, 0, 0, 1, '', 0, rec, rec,
                    auth.ids[1 + ((g::bigint * 7919) %% array_length(auth.ids, 1))::int],
                    CASE WHEN st IN ('accepted','verifying','dialogue','suspended','concluded','decided','published','closed')
                         THEN usr.ids[1 + g %% array_length(usr.ids, 1)] END
                FROM auth, usr, generate_series(1, %s) g,
                LATERAL (SELECT now() - ((g %% 1400) || ' days')::interval - ((g %% 86400) || ' seconds')::interval AS rec) r,
                LATERAL (SELECT CASE
                    WHEN g %% 1400 < 120 THEN (ARRAY['received','accepted','verifying','dialogue','suspended','concluded'])[1 + g %% 6]
                    ELSE (ARRAY['closed','closed','closed','rejected','transferred','guided','published','terminated','withdrawn','merged'])[1 + g %% 10]
                END AS st) s
                """,
                [n],
            )
            cur.execute("ANALYZE cases_case; ANALYZE cases_authority; ANALYZE cases_deadline;")
        self.stdout.write(self.style.SUCCESS("filled"))
