"""seed_demo: realistic demo data through the services, idempotent, refused outside DEBUG."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from cases.events import chain_verify
from cases.models import Case, Membership


def test_refuses_without_debug(db):
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())


@override_settings(DEBUG=True)
def test_demo_data_covers_every_kind_and_is_idempotent(world):
    call_command("seed_demo", stdout=io.StringIO())
    demo = Case.objects.filter(authority__path__startswith="/HN/")
    count = demo.count()
    assert count >= 30
    assert set(demo.values_list("kind", flat=True)) == {
        "complaint",
        "denunciation",
        "petition",
        "anonymous_report",
    }
    statuses = set(demo.values_list("status", flat=True))
    assert {
        "received",
        "accepted",
        "verifying",
        "decided",
        "concluded",
        "published",
        "closed",
        "rejected",
        "transferred",
        "suspended",
        "withdrawn",
        "terminated",
    } <= statuses
    assert chain_verify(demo.values_list("pk", flat=True)).ok
    for username in ("intake", "inspector", "head", "director", "auditor", "admin"):
        assert authenticate(username=username, password="demo") is not None, username
    assert Membership.objects.filter(user__username="auditor", role="auditor").exists()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing added" in out.getvalue()
    assert demo.count() == count
