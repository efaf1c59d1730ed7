"""Every allowed and every forbidden transition, per kind, against a table written out here by hand
from the laws (so a change to cases/workflow.py that is not also made here fails)."""

import itertools

import pytest

from cases import workflow
from cases.models import CaseKind, CaseStatus

EXPECTED = {
    "complaint": """
        received   -> rejected transferred guided merged accepted withdrawn
        accepted   -> verifying decided suspended withdrawn terminated
        verifying  -> dialogue decided suspended withdrawn terminated
        dialogue   -> decided suspended withdrawn terminated
        suspended  -> accepted verifying dialogue withdrawn terminated
        decided    -> published closed
        published  -> closed
        withdrawn  -> terminated
        terminated -> closed
    """,
    "denunciation": """
        received   -> rejected transferred guided merged accepted withdrawn monitoring
        monitoring -> accepted closed
        accepted   -> verifying concluded suspended withdrawn terminated transferred
        verifying  -> concluded suspended withdrawn terminated transferred
        suspended  -> accepted verifying withdrawn terminated transferred
        concluded  -> published closed
        published  -> closed
        withdrawn  -> terminated
        terminated -> closed
    """,
    "petition": """
        received   -> rejected transferred guided merged accepted withdrawn
        accepted   -> verifying decided withdrawn
        verifying  -> decided withdrawn
        decided    -> published closed
        published  -> closed
        withdrawn  -> closed
    """,
    "anonymous_report": """
        received   -> rejected transferred merged accepted
        accepted   -> verifying concluded terminated
        verifying  -> concluded terminated
        concluded  -> closed
        terminated -> closed
    """,
}


def _parse(text):
    allowed = set()
    for line in text.strip().splitlines():
        old, targets = line.split("->")
        for new in targets.split():
            allowed.add((old.strip(), new))
    return allowed


ALL_MOVES = [
    (kind, old, new, (old, new) in _parse(EXPECTED[kind]))
    for kind in CaseKind.values
    for old, new in itertools.product(CaseStatus.values, CaseStatus.values)
]


@pytest.mark.parametrize(("kind", "old", "new", "allowed"), ALL_MOVES)
def test_transition_matrix(kind, old, new, allowed):
    assert workflow.can_transition(kind, old, new) is allowed
    if allowed:
        workflow.check_transition(kind, old, new)
    else:
        with pytest.raises(workflow.InvalidTransition):
            workflow.check_transition(kind, old, new)


def test_every_kind_is_covered():
    assert set(workflow.TRANSITIONS) == set(CaseKind.values)


def test_only_denunciations_extend_and_only_complaints_have_dialogue():
    assert workflow.allows_extension("denunciation", "accepted")
    assert workflow.allows_extension("denunciation", "verifying")
    assert not workflow.allows_extension("denunciation", "suspended")
    assert not workflow.allows_extension("complaint", "accepted")
    assert workflow.allows_dialogue("complaint") and not workflow.allows_dialogue("denunciation")


def test_anonymous_reports_cannot_be_withdrawn_or_guided():
    # Law on Denunciations Art 25: nobody to guide or to withdraw.
    assert not workflow.can_transition("anonymous_report", "received", "guided")
    assert not workflow.can_transition("anonymous_report", "received", "withdrawn")
