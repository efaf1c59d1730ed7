"""The oversight auditor sees everything and can change nothing: a POST to every action URL (and
every other writing URL of the workspace) is refused and leaves the case exactly as it was."""

import pytest

from cases import services
from cases.admin.actions import ACTIONS
from cases.models import Attachment, Case, CaseEvent, Holiday, IdentityAccessLog, Role

from .conftest import accepted, fresh, make_case, refused

GENERIC = {
    "note": "x",
    "text": "Ghi chú của kiểm tra viên",
    "reason": "Kiểm tra",
    "reason_code": "TC-34-1-a",
    "guidance": "x",
    "to_authority": "",
    "into": "",
    "assignee": "",
    "plan": "x",
    "days": 30,
    "decision_number": "1",
    "justification": "x",
    "statement": "x",
    "outcome": "true",
    "summary": "x",
    "channel": "Đăng trên cổng thông tin điện tử",
    "description": "x",
    "level": 1,
    "visibility": "internal",
    "template": "thu_ly_to_cao_qd",
    "complexity": "complex",
    "kind": "denunciation",
    "generate_notice": "on",
}


def snapshot(case: Case):
    c = fresh(case)
    return (
        c.version,
        c.status,
        c.assignee_id,
        c.complexity,
        c.escalation_level,
        c.event_count,
        Attachment.objects.filter(case=c).count(),
    )


@pytest.mark.parametrize("tree", ["hn", "hp"])
def test_auditor_cannot_change_anything_through_any_action_url(world, login, tree):
    received = make_case(world, "denunciation")
    handling = accepted(world, "denunciation")
    services.case_classify(case=handling, actor=world.user(Role.HEAD_OF_UNIT), complexity="complex")
    auditor = world.user(Role.AUDITOR, tree)  # HN's own auditor and the other city's
    client = login(auditor)
    for case in (received, handling):
        before = snapshot(case)
        # The auditor can read the case ...
        assert client.get(f"/admin/cases/{case.reference}/").status_code == 200
        # ... and every action URL refuses, whatever the form says.
        for slug in ACTIONS:
            url = f"/admin/cases/{case.reference}/action/{slug}/"
            assert refused(client.get(url)), slug
            r = client.post(url, {**GENERIC, "version": fresh(case).version})
            assert refused(r), (slug, r.status_code)
        party = case.parties.first()
        r = client.post(
            f"/admin/cases/{case.reference}/parties/{party.pk}/reveal/", {"reason": "Kiểm tra hồ sơ"}
        )
        assert refused(r)
        assert snapshot(case) == before
    # Bulk assignment and intake registration.
    r = client.post(
        "/admin/cases/bulk-assign/",
        {"id": [received.pk, handling.pk], "assignee": world.user(Role.INSPECTOR).pk},
    )
    assert refused(r)
    n = Case.objects.count()
    r = client.post(
        "/admin/cases/register/",
        {
            "channel": "post",
            "kind": "petition",
            "subject": "x",
            "description": "x",
            "full_name": "Nguyễn Văn A",
        },
    )
    assert refused(r) and Case.objects.count() == n
    # Reference data (the working-day calendar) is not editable either.
    r = client.post(
        "/admin/case-holidays/new/",
        {"date": "2026-12-31", "kind": "holiday", "name": "Nghỉ", "confirmed": "on"},
    )
    assert refused(r) and not Holiday.objects.filter(date="2026-12-31").exists()
    assert fresh(handling).assignee_id == world.user(Role.INSPECTOR).pk
    assert not CaseEvent.objects.filter(actor=auditor).exists()
    assert not IdentityAccessLog.objects.filter(user=auditor, action="reveal_identity").exists()


def test_auditor_sees_no_action_buttons(world, login):
    case = make_case(world, "denunciation")
    html = login(world.user(Role.AUDITOR)).get(f"/admin/cases/{case.reference}/").content.decode()
    assert "data-action-slug" not in html and "chỉ xem" in html
    html = login(world.user(Role.AUDITOR)).get("/admin/cases/").content.decode()
    assert 'id="kntc-bulk-assign"' not in html
