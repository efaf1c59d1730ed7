"""generate_cases writes what the services would: rows, history, hash-chained events, deadlines."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from cases.events import chain_verify
from cases.models import Case, CaseEvent, Deadline, Party
from cases.workflow import OPEN_STATES

ANCHOR = "2026-11-26T09:00:00+07:00"


@pytest.fixture
def holidays(world):
    return world


def test_generated_cases_have_history_events_and_valid_chains(holidays):
    out = io.StringIO()
    call_command("generate_cases", count=400, seed=42, anchor=ANCHOR, stdout=out)
    assert "Generated 400 cases" in out.getvalue()
    cases = Case.objects.filter(reference__startswith="SYN-")
    assert cases.count() == 400
    assert chain_verify(cases.values_list("pk", flat=True)).ok
    assert Case.history.filter(reference__startswith="SYN-").count() >= 400
    assert CaseEvent.objects.filter(case__in=cases).count() >= 400
    # identity encrypted, never clear text in the column
    party = Party.objects.filter(case__in=cases).first()
    assert party.full_name and Party.objects.filter(pk=party.pk).values_list("national_id", flat=True)
    kinds = set(cases.values_list("kind", flat=True))
    assert kinds == {"complaint", "denunciation", "petition", "anonymous_report"}
    open_cases = cases.filter(status__in=OPEN_STATES)
    assert 0 < open_cases.count() < 400
    # open cases with running deadlines have next_due_at = their earliest open deadline
    sample = open_cases.filter(next_due_at__isnull=False).first()
    earliest = Deadline.objects.filter(case=sample, state="open").order_by("due_at").first()
    assert sample.next_due_at == earliest.due_at
    # new cases can still be created after the bulk load (sequences moved past the generated ids)
    from tests.cases.test_services import submit

    assert submit(holidays).case.pk > max(cases.values_list("pk", flat=True))


def test_generation_is_deterministic(holidays):
    call_command("generate_cases", count=60, seed=7, anchor=ANCHOR, prefix="AAA", stdout=io.StringIO())
    call_command("generate_cases", count=60, seed=7, anchor=ANCHOR, prefix="BBB", stdout=io.StringIO())

    def shape(prefix):
        return list(
            Case.objects.filter(reference__startswith=prefix)
            .order_by("pk")
            .values_list("kind", "status", "received_at", "subject", "authority_id")
        )

    assert shape("AAA-") == shape("BBB-")
    assert shape("AAA-")[0][2] < dt.datetime.fromisoformat(ANCHOR)
