"""Intake registration of paper letters and visits, the triage duplicates (merge or link), the
access log and the history export for the oversight auditor."""

import json

from cases import services
from cases.models import Case, CaseEvent, IdentityAccessLog, Role

from .conftest import PERSON, accepted, fresh, make_case, refused

LETTER = {
    "channel": "post",
    "kind": "complaint",
    "subject": "Khiếu nại quyết định xử phạt vi phạm hành chính",
    "description": "Tôi không đồng ý với quyết định xử phạt số 312/QĐ-XPVPHC.",
    "contested_act": "Quyết định 312/QĐ-XPVPHC",
    "full_name": PERSON["full_name"],
    "national_id": PERSON["national_id"],
    "address": PERSON["address"],
}


def test_intake_registers_a_paper_letter_through_case_submit(world, login):
    intake = world.user(Role.INTAKE)
    r = login(intake).post("/admin/cases/register/", {**LETTER, "authority": world.hn_sxd.pk})
    assert r.status_code == 200
    case = Case.objects.get(subject=LETTER["subject"])
    assert (case.channel, case.status, case.authority) == ("post", "received", world.hn_sxd)
    event = CaseEvent.objects.get(case=case, kind="case.received")
    assert event.actor == intake
    html = r.content.decode()
    assert case.reference in html and 'data-testid="access-key"' in html
    assert case.parties.get().full_name == PERSON["full_name"]
    # Missing required information: the form explains, nothing is created.
    r = login(intake).post("/admin/cases/register/", {**LETTER, "contested_act": "", "subject": "Khác"})
    assert r.status_code == 400 and "quyết định hoặc hành vi bị khiếu nại" in r.content.decode()
    assert not Case.objects.filter(subject="Khác").exists()


def test_registration_permissions(world, login):
    data = {**LETTER, "authority": world.hn_sxd.pk}
    assert refused(login(world.user(Role.INSPECTOR)).post("/admin/cases/register/", data))
    # The other city's intake officer cannot register for a Hà Nội body (not among the choices).
    r = login(world.user(Role.INTAKE, "hp")).post("/admin/cases/register/", data)
    assert r.status_code == 400
    assert not Case.objects.exists()


def test_duplicates_found_by_id_number_and_merged_or_linked(world, login):
    original = make_case(world, subject="Khiếu nại quyết định thu hồi đất số 12")
    dup = make_case(world, subject="Khiếu nại quyết định thu hồi đất số 12 (gửi lại)")
    related = make_case(world, subject="Đề nghị bồi thường cây cối", person={"national_id": "001199099999"})
    assert fresh(dup).duplicate_suspected
    intake = login(world.user(Role.INTAKE))
    html = intake.get(f"/admin/cases/{dup.reference}/duplicates/").content.decode()
    assert original.reference in html and "cùng người gửi (số định danh)" in html
    assert related.reference not in html
    # Other agency's staff cannot use the duplicates page of an HN case.
    assert (
        login(world.user(Role.INTAKE, "hp")).get(f"/admin/cases/{dup.reference}/duplicates/").status_code
        == 404
    )
    intake = login(world.user(Role.INTAKE))  # one test client: log the HN officer back in
    # Merge from the duplicates page.
    r = intake.post(
        f"/admin/cases/{dup.reference}/action/merge/?into={original.reference}",
        {"version": fresh(dup).version, "into": original.reference},
    )
    assert r.status_code == 302
    dup = fresh(dup)
    assert dup.status == "merged" and dup.merged_into == original
    # Link (related, not the same content): both keep going, both timelines say so.
    r = intake.post(
        f"/admin/cases/{related.reference}/action/link/",
        {"version": fresh(related).version, "into": original.reference},
    )
    assert r.status_code == 302
    assert fresh(related).status == "received"
    assert CaseEvent.objects.filter(case=original, kind="case.linked", data__other=related.reference).exists()
    html = intake.get(f"/admin/cases/{original.reference}/").content.decode()
    assert related.reference in html and dup.reference in html
    # A case of another agency cannot be the merge target.
    hp_case = make_case(world, tree="hp")
    third = make_case(world)
    r = intake.post(
        f"/admin/cases/{third.reference}/action/merge/",
        {"version": fresh(third).version, "into": hp_case.reference},
    )
    assert r.status_code == 400 and fresh(third).status == "received"


def test_access_log_view(world, login):
    case = make_case(world, "denunciation")
    hp_case = make_case(world, tree="hp")
    head = world.user(Role.HEAD_OF_UNIT)
    login(head).get(f"/admin/cases/{case.reference}/")
    login(head).post(
        f"/admin/cases/{case.reference}/parties/{case.parties.get().pk}/reveal/",
        {"reason": "Gửi thông báo thụ lý"},
    )
    login(world.user(Role.HEAD_OF_UNIT, "hp")).get(f"/admin/cases/{hp_case.reference}/")
    # Reveals first: by default the log lists the identity reveals only, "all" every row.
    reveals = login(world.user(Role.AUDITOR)).get("/admin/cases/audit/access-log/").content.decode()
    assert "Gửi thông báo thụ lý" in reveals and case.reference in reveals
    assert hp_case.reference not in reveals
    html = login(world.user(Role.AUDITOR)).get("/admin/cases/audit/access-log/?action=all").content.decode()
    assert "Gửi thông báo thụ lý" in html and "Xem nhân thân" in html and "Mở hồ sơ" in html
    assert case.reference in html and hp_case.reference in html
    assert PERSON["full_name"] not in html  # who looked, never what they saw
    filtered = (
        login(world.user(Role.AUDITOR))
        .get("/admin/cases/audit/access-log/?action=reveal_identity")
        .content.decode()
    )
    assert hp_case.reference not in filtered
    # A head of agency reads their own agency's rows only; inspectors and heads of unit none.
    html = (
        login(world.user(Role.HEAD_OF_AGENCY, "hp"))
        .get("/admin/cases/audit/access-log/?action=all")
        .content.decode()
    )
    assert hp_case.reference in html and case.reference not in html
    assert refused(login(world.user(Role.INSPECTOR)).get("/admin/cases/audit/access-log/"))
    assert refused(login(world.user(Role.HEAD_OF_UNIT)).get("/admin/cases/audit/access-log/"))


def test_history_export_for_the_auditor(world, login):
    case = accepted(world, "denunciation")
    services.case_classify(case=case, actor=world.user(Role.HEAD_OF_UNIT), complexity="complex")
    auditor = world.user(Role.AUDITOR, "hp")  # oversight sees every agency
    r = login(auditor).get(f"/admin/cases/{case.reference}/export.json")
    assert r.status_code == 200 and r["Content-Disposition"].endswith(f'{case.reference}-history.json"')
    payload = json.loads(r.content)
    kinds = [e["kind"] for e in payload["timeline"]]
    assert "case.received" in kinds and "case.accepted" in kinds and "case.changed" in kinds
    assert payload["case"]["chain_ok"] is True and len(payload["events"]) == fresh(case).event_count
    assert any(c["field"] == "complexity" for e in payload["timeline"] for c in e["changes"])
    text = r.content.decode()
    for secret in PERSON.values():
        assert secret not in text
    assert IdentityAccessLog.objects.filter(user=auditor, case=case, action="export").count() == 1
    csv_r = login(auditor).get(f"/admin/cases/{case.reference}/export.csv")
    assert csv_r.status_code == 200 and "case.accepted" in csv_r.content.decode("utf-8-sig")
    # Not for inspectors or heads of unit; other agency's head of agency: not found.
    assert refused(login(world.user(Role.INSPECTOR)).get(f"/admin/cases/{case.reference}/export.json"))
    assert refused(login(world.user(Role.HEAD_OF_UNIT)).get(f"/admin/cases/{case.reference}/export.json"))
    assert (
        login(world.user(Role.HEAD_OF_AGENCY, "hp"))
        .get(f"/admin/cases/{case.reference}/export.json")
        .status_code
        == 404
    )
    assert (
        login(world.user(Role.HEAD_OF_AGENCY)).get(f"/admin/cases/{case.reference}/export.csv").status_code
        == 200
    )
