"""Who may do what across two authorities; the auditor changes nothing; identity never leaks into
events, the complainant's timeline or history diffs without the permission; the event chain
catches tampering."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cases import permissions, selectors, services
from cases.errors import ApplicationError, PermissionDeniedError
from cases.models import Case, CaseEvent, IdentityAccessLog, Role
from tests.cases.test_services import submit

NAME, NATIONAL_ID, ADDRESS = "Trần Thị Bình", "001199012345", "12 Hàng Bạc"


# role -> verbs it may perform on a case of its own authority (Sở Xây dựng Hà Nội)
EXPECTED_OWN = {
    Role.INTAKE: {
        "view",
        "submit",
        "classify",
        "accept",
        "reject",
        "transfer",
        "guide",
        "merge",
        "note",
        "attach",
        "withdraw",
        "second_level",
        "view_identity",
        "deliver",  # the clerk records the sending of results (cases.delivery); never "sign"
    },
    Role.INSPECTOR: {"view"},  # acts only on the cases assigned to them
    Role.HEAD_OF_UNIT: set(permissions.ACTION_ROLES) - {"escalate"},
    Role.HEAD_OF_AGENCY: set(permissions.ACTION_ROLES),
    Role.AUDITOR: {"view"},
    Role.ADMINISTRATOR: set(permissions.ACTION_ROLES),
}


@pytest.mark.parametrize("role", list(EXPECTED_OWN))
def test_role_matrix_own_authority_and_other_authority(world, role):
    case = submit(world).case  # belongs to HN-SXD
    own = world.user(role, "hn")
    other = world.user(role, "hp")
    for verb in permissions.ACTION_ROLES:
        assert permissions.user_can(verb, own, case) is (verb in EXPECTED_OWN[role]), (role, verb)
        # Across agencies: nothing, except the auditor's read-only view of everything.
        expected_other = role == Role.AUDITOR and verb == "view"
        assert permissions.user_can(verb, other, case) is expected_other, (role, verb, "other")


def test_inspector_acts_on_assigned_cases_only(world):
    inspector = world.user(Role.INSPECTOR)
    case = submit(world).case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    assert not permissions.user_can("verify", inspector, case)
    services.case_assign(case=case, actor=world.user(Role.HEAD_OF_UNIT), assignee=inspector)
    case.refresh_from_db()
    assert permissions.user_can("verify", inspector, case)
    assert not permissions.user_can("verify", world.inspector2, case)


def _every_mutation(case, actor, world):
    """Each mutating service once; each must refuse an auditor."""
    return [
        lambda: services.case_classify(case=case, actor=actor, complexity="complex"),
        lambda: services.case_accept(case=case, actor=actor),
        lambda: services.case_reject(case=case, actor=actor, reason_code="KN-11-5"),
        lambda: services.case_transfer(case=case, actor=actor, to_authority=world.hn_ward),
        lambda: services.case_guide(case=case, actor=actor, guidance="Gửi UBND phường"),
        lambda: services.case_assign(case=case, actor=actor, assignee=world.user(Role.INSPECTOR)),
        lambda: services.case_start_verification(case=case, actor=actor),
        lambda: services.case_extend(case=case, actor=actor, days=10, decision_number="1", justification="x"),
        lambda: services.case_suspend(case=case, actor=actor, reason_code="KN-11a-obstacle"),
        lambda: services.case_resume(case=case, actor=actor, decision_number="1"),
        lambda: services.case_withdraw(case=case, actor=actor),
        lambda: services.case_terminate(case=case, actor=actor, reason_code="KN-10-withdrawn"),
        lambda: services.case_conclude(case=case, actor=actor, outcome="right", summary="x"),
        lambda: services.case_publish(case=case, actor=actor, channel="web"),
        lambda: services.case_close(case=case, actor=actor),
        lambda: services.case_escalate(case=case, actor=actor, level=1, reason="x"),
        lambda: services.note_add(case=case, actor=actor, text="ghi chú"),
        lambda: services.case_submit(
            kind="petition",
            subject="s",
            description="d",
            authority=world.hn,
            parties=[services.PartyInput(full_name="A")],
            actor=actor,
        ),
    ]


def test_auditor_can_change_nothing(world):
    auditor = world.user(Role.AUDITOR)
    case = submit(world).case
    before = (Case.objects.get(pk=case.pk).version, CaseEvent.objects.count(), Case.objects.count())
    for attempt in _every_mutation(case, auditor, world):
        with pytest.raises(PermissionDeniedError):
            attempt()
    after = (Case.objects.get(pk=case.pk).version, CaseEvent.objects.count(), Case.objects.count())
    assert after == before
    assert permissions.user_can("view", auditor, case)
    assert selectors.case_list_for_user(auditor).filter(pk=case.pk).exists()


def test_case_lists_are_scoped_to_the_authority_tree(world):
    hn_case = submit(world).case
    hp_case = submit(world, authority=world.hp_sxd).case
    hn_ids = set(selectors.case_list_for_user(world.user(Role.INSPECTOR, "hn")).values_list("pk", flat=True))
    assert hn_case.pk in hn_ids and hp_case.pk not in hn_ids
    agency_ids = set(
        selectors.case_list_for_user(world.user(Role.HEAD_OF_AGENCY, "hp")).values_list("pk", flat=True)
    )
    assert hp_case.pk in agency_ids and hn_case.pk not in agency_ids


def test_identity_reveal_needs_permission_and_reason_and_is_logged(world):
    case = submit(world, kind="denunciation").case
    party = case.parties.get()
    inspector = world.user(Role.INSPECTOR)
    with pytest.raises(PermissionDeniedError):
        services.party_identity_reveal(user=inspector, party=party, reason="cần liên hệ")
    head = world.user(Role.HEAD_OF_UNIT)
    with pytest.raises(ApplicationError):
        services.party_identity_reveal(user=head, party=party, reason="")
    with pytest.raises(PermissionDeniedError):
        services.party_identity_reveal(
            user=world.user(Role.HEAD_OF_UNIT, "hp"), party=party, reason="tò mò xem"
        )
    identity = services.party_identity_reveal(user=head, party=party, reason="Mời làm việc bổ sung")
    assert identity["full_name"] == NAME
    log = IdentityAccessLog.objects.get(case=case)
    assert (log.user, log.action, log.reason) == (head, "reveal_identity", "Mời làm việc bổ sung")
    masked = selectors.party_masked(party)
    assert (
        NAME not in str(masked) and NATIONAL_ID not in str(masked) and masked["national_id"].endswith("345")
    )


def _walk_case(world):
    head = world.user(Role.HEAD_OF_UNIT)
    case = submit(world, kind="denunciation").case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    services.case_assign(case=case, actor=head, assignee=world.user(Role.INSPECTOR))
    services.note_add(case=case, actor=head, text="Ghi chú nội bộ: kiểm tra hồ sơ đất")
    services.case_conclude(case=case, actor=head, outcome="partly_true", summary="Đúng một phần")
    # an identity correction, to show in history
    party = case.parties.get()
    party.address = "99 Hàng Đào"
    party._history_user = head
    party.save()
    return case


def test_identity_never_in_events_or_complainant_timeline(world):
    case = _walk_case(world)
    for event in CaseEvent.objects.filter(case=case):
        blob = str(event.data)
        assert NAME not in blob and NATIONAL_ID not in blob and ADDRESS not in blob
    timeline = selectors.case_timeline(case=case, viewer="complainant")
    text = str([(e.kind, e.actor, e.data, e.changes) for e in timeline])
    assert NAME not in text and NATIONAL_ID not in text and "Ghi chú nội bộ" not in text
    assert "note.added" not in [e.kind for e in timeline]
    assert "case.concluded" in [e.kind for e in timeline]
    assert all(not e.changes for e in timeline)  # no field diffs for citizens


def test_history_diffs_mask_identity_without_the_permission(world):
    case = _walk_case(world)
    inspector_view = selectors.case_timeline(case=case, viewer=world.user(Role.INSPECTOR))
    text = str([(e.data, e.changes) for e in inspector_view])
    assert "99 Hàng Đào" not in text and ADDRESS not in text
    assert any(
        c["field"] == "address" and c["new"] == selectors.MASK for e in inspector_view for c in e.changes
    )
    assert "note.added" in [e.kind for e in inspector_view]  # staff see internal notes

    head_view = selectors.case_timeline(case=case, viewer=world.user(Role.HEAD_OF_UNIT))
    assert any(c["field"] == "address" and c["new"] == "99 Hàng Đào" for e in head_view for c in e.changes)
    with pytest.raises(PermissionDeniedError):
        selectors.case_timeline(case=case, viewer=world.user(Role.INSPECTOR, "hp"))


def test_event_log_is_append_only_in_code(world):
    case = submit(world).case
    event = CaseEvent.objects.get(case=case)
    event.kind = "case.nothing"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        CaseEvent.objects.filter(case=case).update(kind="x")
    with pytest.raises(PermissionError):
        CaseEvent.objects.filter(case=case).delete()


def test_verify_event_chain_passes_then_catches_an_altered_row(world):
    case = _walk_case(world)
    out = io.StringIO()
    call_command("verify_event_chain", stdout=out)
    assert "events checked" in out.getvalue() and out.getvalue().startswith("OK:")
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE cases_caseevent SET data = %s WHERE case_id = %s AND seq = 2",
            ['{"note": "sửa lén"}', case.pk],
        )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_event_chain", stdout=io.StringIO(), stderr=err)
    assert f"{case.reference}: event #2 (case.accepted) was altered" in err.getvalue()


def test_verify_event_chain_catches_a_removed_row(world):
    case = _walk_case(world)
    last = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM cases_caseevent WHERE id = %s", [last.pk])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_event_chain", stdout=io.StringIO(), stderr=err)
    assert case.reference in err.getvalue() and "removed" in err.getvalue()


def test_reference_numbers_are_sequential_per_year(world):
    a = submit(world, received_at=dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)).case
    b = submit(world, received_at=dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC)).case
    assert int(b.reference.split("-")[-1]) == int(a.reference.split("-")[-1]) + 1
