"""The default backend: plain ORM queries on the Case table (SQLite and PostgreSQL).

Selections (stalled cases, backlog) read the Case table directly, so they are always current (on
the read replica when one is configured: ``config.replica``, a second behind at most). Only
full-text search needs an index of its own, ``CaseSearchEntry``: folded tokens, because neither
SQLite nor a stock PostgreSQL folds Vietnamese accents."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import models, transaction
from django.db.models import Count, Q, Value, When
from django.utils import timezone

from cases import reporting
from cases.models import Authority, Case
from config.replica import reads_from_replica

from ..criteria import AGE_BUCKETS, BacklogCell, StalledCriteria
from ..documents import base_document, tokens
from ..models import CaseSearchEntry
from .base import SearchBackend


def _entry_text(case) -> str:
    words = tokens(case.subject) + tokens(case.description)
    return " " + " ".join(words) + " "


def _subtree_q(codes: Iterable[str], field: str = "authority__path") -> Q:
    """Cases of the authorities with these codes and of all their sub-units."""
    paths = list(Authority.objects.filter(code__in=list(codes)).values_list("path", flat=True))
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


class DatabaseBackend(SearchBackend):
    name = "database"

    def __init__(self, **options) -> None:
        self.options = options

    # -- writes ---------------------------------------------------------------------------------
    def index_case(self, case) -> None:
        CaseSearchEntry.objects.update_or_create(
            case_id=case.pk,
            defaults={
                "text_folded": _entry_text(case),
                "fingerprint": base_document(case)["fingerprint"],
                "indexed_at": timezone.now(),
            },
        )

    def remove_case(self, case_id: int) -> None:
        CaseSearchEntry.objects.filter(case_id=case_id).delete()

    def remove_many(self, case_ids: Iterable[int]) -> int:
        return CaseSearchEntry.objects.filter(case_id__in=list(case_ids)).delete()[0]

    def bulk_index(self, cases: Iterable, *, now: datetime | None = None) -> int:
        stamp = timezone.now()
        batch: list[CaseSearchEntry] = []
        written = 0
        for case in cases:
            batch.append(
                CaseSearchEntry(
                    case_id=case.pk,
                    text_folded=_entry_text(case),
                    fingerprint=base_document(case)["fingerprint"],
                    indexed_at=stamp,
                )
            )
            if len(batch) >= 1000:
                written += self._write(batch)
                batch = []
        if batch:
            written += self._write(batch)
        return written

    def _write(self, batch: list[CaseSearchEntry]) -> int:
        CaseSearchEntry.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["case"],
            update_fields=["text_folded", "fingerprint", "indexed_at"],
        )
        return len(batch)

    @transaction.atomic
    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        CaseSearchEntry.objects.all().delete()
        cases = Case.objects.select_related("authority", "assignee").order_by("pk").iterator(chunk_size=2000)
        if progress is None:
            return self.bulk_index(cases)

        def counted(rows):
            n = 0
            for n, row in enumerate(rows, 1):
                yield row
                if n % 1000 == 0:
                    progress(1000)
            progress(n % 1000 if n else 0)

        return self.bulk_index(counted(cases))

    def indexed_fingerprints(self) -> dict[int, str]:
        return dict(CaseSearchEntry.objects.values_list("case_id", "fingerprint").iterator(chunk_size=5000))

    # -- reads ----------------------------------------------------------------------------------
    def stalled_queryset(self, criteria: StalledCriteria, *, now: datetime | None = None, calendar=None):
        r = criteria.resolve(now, calendar)
        qs = Case.objects.all()
        if r.statuses:
            qs = qs.filter(status__in=r.statuses)
        if r.stalled_clauses is not None:
            qs = qs.filter(reporting.stalled_q(r.stalled_clauses))
        if r.activity_before is not None:
            qs = qs.filter(last_activity_at__lt=r.activity_before)
        if r.due_before is not None:
            qs = qs.filter(next_due_at__lt=r.due_before)
        if r.received_before is not None:
            qs = qs.filter(received_at__lt=r.received_before)
        if r.received_from is not None:
            qs = qs.filter(received_at__gte=r.received_from)
        if r.duplicate:
            qs = qs.filter(duplicate_suspected=True)
        for field_name, minimum in r.min_counts.items():
            if minimum is not None:
                qs = qs.filter(**{f"{field_name}__gte": minimum})
        if r.authority and r.authority_only:
            qs = qs.filter(authority__code=r.authority)
        elif r.authority:
            qs = qs.filter(_subtree_q([r.authority]))
        if r.within is not None:
            qs = qs.filter(_subtree_q(r.within))
        if r.kind:
            qs = qs.filter(kind=r.kind)
        if r.assignee_id is not None:
            qs = qs.filter(assignee_id=r.assignee_id)
        return qs.order_by("last_activity_at", "id")

    @reads_from_replica()
    def find_stalled(self, criteria, *, now=None, limit=None, offset=0, calendar=None) -> list[int]:
        qs = self.stalled_queryset(criteria, now=now, calendar=calendar).values_list("id", flat=True)
        if limit is not None:
            return list(qs[offset : offset + limit])
        return list(qs[offset:]) if offset else list(qs)

    @reads_from_replica()
    def count_stalled(self, criteria, *, now=None, calendar=None) -> int:
        return self.stalled_queryset(criteria, now=now, calendar=calendar).count()

    @reads_from_replica()
    def aggregate_backlog(self, *, now=None, within=None, kind=None) -> list[BacklogCell]:
        now = now or timezone.now()
        today = reporting.local_date(now)
        qs = self.stalled_queryset(StalledCriteria(within=within, kind=kind), now=now).order_by()
        # Everything falls in a bucket: the first has no upper date bound, the last no lower one.
        whens = [When(reporting.age_q(today, lo, hi), then=Value(key)) for key, _label, lo, hi in AGE_BUCKETS]
        rows = (
            qs.annotate(bucket=models.Case(*whens, default=Value(AGE_BUCKETS[0][0])))
            .values("authority__code", "status", "bucket")
            .annotate(n=Count("id"), overdue=Count("id", filter=reporting.overdue_q(now)))
        )
        return [
            BacklogCell(
                authority=row["authority__code"] or "",
                status=row["status"],
                bucket=row["bucket"],
                count=row["n"],
                overdue=row["overdue"],
            )
            for row in rows
        ]

    def search(self, text: str, *, limit: int = 500) -> list[int]:
        words = tokens(text)
        text = (text or "").strip()
        if not words and not text:
            return []
        q = Q(reference__iexact=text) if text else Q(pk__in=[])
        if words:
            entries = CaseSearchEntry.objects.all()
            for word in words:
                entries = entries.filter(text_folded__contains=f" {word} ")
            q |= Q(pk__in=entries.values("case_id"))
        # The reference match first, then the most recently active.
        ordered = (
            Case.objects.filter(q)
            .annotate(exact=models.Case(When(reference__iexact=text, then=Value(0)), default=Value(1)))
            .order_by("exact", "-last_activity_at", "-id")
            .values_list("id", flat=True)
        )
        return list(ordered[:limit])
