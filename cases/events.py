"""The append-only, hash-chained case event log.

Each event's hash covers its content and the previous event's hash of the same case; the case row
keeps the newest hash and the count. ``chain_verify`` recomputes everything and names the first
broken link, so an edited, inserted or removed row is caught."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from .models import Case, CaseEvent, Visibility


def event_build(
    *,
    case: Case,
    kind: str,
    actor=None,
    actor_role: str = "",
    visibility: str = Visibility.INTERNAL,
    data: dict | None = None,
    at=None,
) -> CaseEvent:
    """The next event of ``case`` with its hash, not yet saved; advances case.event_head/count.

    The caller holds the case row lock (services select_for_update), so seq cannot race."""
    event = CaseEvent(
        case=case,
        seq=case.event_count + 1,
        kind=kind,
        actor=actor,
        actor_role=actor_role,
        created_at=at or timezone.now(),
        visibility=visibility,
        data=data or {},
        prev_hash=case.event_head or CaseEvent.GENESIS,
    )
    event.hash = event.compute_hash()
    case.event_head = event.hash
    case.event_count = event.seq
    return event


def event_record(**kwargs) -> CaseEvent:
    """Build and save one event. The caller saves the case (event_head, event_count) afterwards."""
    event = event_build(**kwargs)
    event.save()
    return event


@dataclass
class ChainReport:
    cases_checked: int
    events_checked: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def chain_verify(case_ids: Iterable[int] | None = None, *, batch_size: int = 2000) -> ChainReport:
    cases = Case.objects.order_by("pk")
    if case_ids is not None:
        cases = cases.filter(pk__in=list(case_ids))
    report = ChainReport(0, 0, [])
    heads = {}
    last_pk = 0
    while True:
        batch = list(
            cases.filter(pk__gt=last_pk).values_list("pk", "reference", "event_head", "event_count")[
                :batch_size
            ]
        )
        if not batch:
            break
        last_pk = batch[-1][0]
        heads = {pk: (ref, head, count) for pk, ref, head, count in batch}
        events = CaseEvent.objects.filter(case_id__in=heads).order_by("case_id", "seq")
        current, prev_hash, expected_seq = None, None, 0
        seen: dict[int, tuple[str, int]] = {}
        for event in events.iterator(chunk_size=5000):
            if event.case_id != current:
                current, prev_hash, expected_seq = event.case_id, CaseEvent.GENESIS, 1
            ref = heads[event.case_id][0]
            report.events_checked += 1
            if event.seq != expected_seq:
                report.problems.append(f"{ref}: event #{expected_seq} is missing (found #{event.seq})")
                expected_seq = event.seq
            if event.prev_hash != prev_hash:
                report.problems.append(f"{ref}: event #{event.seq} ({event.kind}) does not follow the chain")
            if event.compute_hash() != event.hash:
                report.problems.append(f"{ref}: event #{event.seq} ({event.kind}) was altered")
            prev_hash = event.hash
            seen[event.case_id] = (event.hash, event.seq)
            expected_seq += 1
        for pk, (ref, head, count) in heads.items():
            report.cases_checked += 1
            last_hash, last_seq = seen.get(pk, (CaseEvent.GENESIS, 0))
            if count != last_seq or (count and head != last_hash):
                report.problems.append(
                    f"{ref}: the case records {count} events ending in {head[:12] or '-'}, "
                    f"the log has {last_seq} ending in {last_hash[:12]}: events were removed or added"
                )
    return report
