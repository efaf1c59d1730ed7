"""Finding 14: an insider who rewrites a case's events and recomputes the whole chain passes the
plain chain check, but not the signed checkpoint exported before the rewrite."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from cases.audit import checkpoints
from cases.audit.models import EventCheckpoint
from cases.events import chain_verify
from cases.models import Case, CaseEvent, event_hash
from tests.workspace.conftest import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing(settings, tmp_path):
    settings.EVENT_CHECKPOINT_KEY_FILE = str(tmp_path / "keys" / "checkpoint.pem")
    settings.EVENT_CHECKPOINT_EXPORT_DIR = str(tmp_path / "export")
    checkpoints.generate_key(tmp_path / "keys" / "checkpoint.pem")

    def sign():
        call_command("event_checkpoint", "--day", timezone.localdate().isoformat(), stdout=io.StringIO())
        return tmp_path / "export"

    return sign


def _rewrite_and_recompute(case: Case) -> None:
    """What an insider with database access can do: change an event, recompute every hash after it
    and the case's head, with plain SQL."""
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    prev = CaseEvent.GENESIS
    with connection.cursor() as cur:
        for e in events:
            data = dict(e.data)
            if e.seq == 1:
                data["channel"] = "post"  # "it came by post, not online"
            new = event_hash(
                case_id=e.case_id,
                seq=e.seq,
                kind=e.kind,
                actor_id=e.actor_id,
                actor_role=e.actor_role,
                created_at=e.created_at,
                visibility=e.visibility,
                data=data,
                prev_hash=prev,
            )
            cur.execute(
                "UPDATE cases_caseevent SET data = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [json.dumps(data), prev, new, e.pk],
            )
            prev = new
        cur.execute("UPDATE cases_case SET event_head = %s WHERE id = %s", [prev, case.pk])


def test_a_rewrite_after_a_checkpoint_is_proven(world, signing):
    cases = [make_case(world) for _ in range(3)]
    export_dir = signing()
    exported = export_dir / f"checkpoint-{timezone.localdate():%Y-%m-%d}.json"
    assert exported.exists() and EventCheckpoint.objects.count() == 1
    out = io.StringIO()
    call_command("verify_event_chain", "--against", str(export_dir), stdout=out)
    assert "OK: 3 cases" in out.getvalue()

    _rewrite_and_recompute(cases[1])
    assert chain_verify().ok  # the chain alone cannot tell
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_event_chain", "--against", str(exported), stderr=err)
    assert f"{cases[1].reference}: event #1 differs" in err.getvalue()
    assert cases[0].reference not in err.getvalue()


def test_a_forged_export_or_another_key_is_refused(world, signing, tmp_path):
    make_case(world)
    exported = next(signing().glob("checkpoint-*.json"))
    document = json.loads(exported.read_text())
    document["statement"]["root"] = "0" * 64
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(document))
    report = checkpoints.verify_against([forged])
    assert not report.ok and "not a checkpoint signed by the trusted key" in report.problems[0]
    other = tmp_path / "other.pem"
    checkpoints.generate_key(other)
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(other.read_bytes(), password=None).public_key()
    assert not checkpoints.verify_against([exported], public_key=key).ok


def test_checkpoints_are_append_only(world, signing):
    signing()
    checkpoint = EventCheckpoint.objects.get()
    with pytest.raises(PermissionError):
        checkpoint.save()
    with pytest.raises(PermissionError):
        EventCheckpoint.objects.all().delete()
    with pytest.raises(CommandError):  # one per day
        call_command("event_checkpoint", "--day", checkpoint.day.isoformat(), stdout=io.StringIO())
