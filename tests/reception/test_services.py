"""The reception register's services: a visit that becomes a complaint, group visits with their
representatives, refusals with their statutory ground and notice, documents and their receipt,
identity encrypted and logged, and the texts in force on each date."""

import datetime as dt

import pytest
from django.db import connection

from cases import services
from cases.errors import PermissionDeniedError, ValidationError
from cases.models import Case, CaseEvent, Deadline, Party, Role
from cases.reception import services as reception
from cases.reception.models import Refusal, Visit, VisitIdentityAccess, VisitPerson
from cases.services import FileInput

from .conftest import at, complaint_visit, person


def raw(table, column, pk):
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test helper
        return cur.fetchone()[0]


def test_a_visit_that_brings_a_complaint_opens_the_case_with_its_deadlines(world, place, frozen):
    frozen(at(2026, 11, 2, 10))
    officer = world.user(Role.INTAKE)
    result = complaint_visit(
        world,
        place=place,
        received_at=at(2026, 11, 2, 9, 30),
        documents=[
            reception.DocumentInput("Đơn khiếu nại", 2, "photocopy"),
            reception.DocumentInput("Quyết định 15/QĐ-UBND", 3, "certified_copy"),
        ],
        receipt_number="12/BN-TCD",
        files=[FileInput(name="don.pdf", content=b"%PDF-1.4\n%test\n", content_type="application/pdf")],
    )
    visit, case = result.visit, result.case
    assert case is not None and visit.case_id == case.pk and visit.created_case
    assert result.access_key  # shown once to hand to the citizen
    # case_submit made the case: in person, received at the visit's time, R1 (Art 28(1)) and K3 open
    assert case.channel == Case.Channel.IN_PERSON and case.kind == "complaint"
    assert case.received_at == at(2026, 11, 2, 9, 30)
    assert case.authority == world.hn and case.status == Case.Status.RECEIVED
    rules_open = set(case.deadlines.filter(state="open").values_list("rule_code", flat=True))
    assert rules_open == {"K3", "R1"}
    r1 = case.deadlines.get(rule_code="R1")
    assert r1.due_date == dt.date(2026, 11, 16)  # 10 working days after Mon 02/11
    assert CaseEvent.objects.filter(case=case, kind="case.received", actor=officer).exists()
    assert case.history.count() >= 1 and case.attachments.count() == 1
    # the register: number, who received, the receipt with the copies of the form in force
    assert visit.number == 1 and visit.year == 2026 and visit.officer == officer
    assert visit.documents.count() == 2 and visit.receipt_copies == 2
    assert visit.matter_key == f"case:{case.pk}" and not visit.repeat
    # identity encrypted at rest, in the register and in the case
    p = visit.persons.get()
    assert raw("reception_visitperson", "full_name", p.pk).startswith("enc1:")
    assert raw("reception_visitperson", "national_id", p.pk).startswith("enc1:")
    assert p.national_id_digest and p.full_name == "Nguyễn Văn Dân 0"
    party = Party.objects.get(case=case)
    assert raw("cases_party", "full_name", party.pk).startswith("enc1:")
    second = complaint_visit(world, place=place, received_at=at(2026, 11, 2, 9, 45))
    assert second.visit.number == 2


def test_nothing_is_written_when_the_case_domain_refuses(world, place, frozen):
    frozen(at(2026, 11, 2, 10))
    before = (Visit.objects.count(), Case.objects.count())
    with pytest.raises(ValidationError) as exc:
        complaint_visit(world, contested_act="")  # Law on Complaints Art 8(2): what is complained about
    assert "contested_act" in exc.value.field_errors
    assert (Visit.objects.count(), Case.objects.count()) == before


def test_group_visit_names_its_representatives(world, place, frozen):
    frozen(at(2026, 11, 3, 10))
    twelve = [person(i, is_representative=i < 6) for i in range(6)]
    with pytest.raises(ValidationError) as exc:
        complaint_visit(world, group_size=12, persons=twelve)
    assert "từ 1 đến 5" in str(exc.value.field_errors["persons"][0])
    # 8 people: one or two representatives (Law Art 29)
    with pytest.raises(ValidationError):
        complaint_visit(world, group_size=8, persons=[person(i, is_representative=True) for i in range(3)])
    reps = [person(1, is_representative=True), person(2, is_representative=True), person(3)]
    result = complaint_visit(world, group_size=12, persons=reps, place=place)
    visit, case = result.visit, result.case
    assert visit.group_size == 12 and visit.persons.count() == 3
    assert list(visit.persons.values_list("is_representative", flat=True)) == [True, True, False]
    parties = case.parties.order_by("position")
    assert [p.is_representative for p in parties] == [True, True, False]
    assert Visit.objects.count() == 1


def test_group_without_representative_is_refused(world, frozen):
    frozen(at(2026, 11, 3, 10))
    with pytest.raises(ValidationError) as exc:
        complaint_visit(world, group_size=3, persons=[person(1), person(2)])
    assert "đại diện" in str(exc.value.field_errors["persons"][0])


def test_identity_required_is_the_text_in_force_that_day(world, frozen):
    frozen(at(2026, 11, 3, 10))
    nobody = person(1, national_id="", id_issued="")
    # from 01/07/2026 the ID number is required (Decree 154/2026 Art 12(1))
    with pytest.raises(ValidationError) as exc:
        complaint_visit(world, persons=[nobody], received_at=at(2026, 7, 1, 9))
    assert "Nghị định 154/2026" in str(exc.value.field_errors["persons.0.full_name"][0])
    # before, a name and an address were enough (Law 42/2013 Art 7(2)(a))
    result = complaint_visit(world, persons=[nobody], received_at=at(2026, 6, 30, 9))
    assert result.visit.persons.get().national_id == ""


def test_refusal_with_its_statutory_ground_and_notice(world, place, frozen):
    frozen(at(2026, 11, 4, 10))
    officer, head = world.user(Role.INTAKE), world.user(Role.HEAD_OF_AGENCY)
    result = reception.visit_record(
        actor=officer,
        authority=world.hn,
        place=place,
        received_at=at(2026, 11, 4, 8, 30),
        content_kind="complaint",
        summary="Tiếp tục khiếu nại việc thu hồi đất năm 2019 đã được giải quyết lần hai.",
        handling="refused",
        persons=[person(7)],
        refusal_ground="L9-3",
        refusal_explanation="Đã có quyết định giải quyết lần hai có hiệu lực, đã được rà soát, trả lời.",
    )
    visit = result.visit
    assert result.case is None and visit.case is None
    refusal = visit.refusal
    assert refusal.ground_code == "L9-3" and refusal.notice_required
    assert refusal.legal_basis.startswith("Luật Tiếp công dân số 42/2013/QH13, Điều 9 khoản 3")
    assert refusal.notice_form.startswith("Mẫu số 01/TCD")
    assert refusal.notice_signer_role == "head"
    # 03 working days from Wed 04/11 (Decree 154/2026 Art 4(3), rule R6)
    assert refusal.notice_due == dt.date(2026, 11, 9)
    with pytest.raises(PermissionDeniedError):
        reception.refusal_notice_issue(
            refusal=refusal, actor=officer, number="05/TB-TCD", signer_title="Chủ tịch"
        )
    issued = reception.refusal_notice_issue(
        refusal=refusal,
        actor=head,
        number="05/TB-TCD",
        signer_title="Chủ tịch UBND Thành phố",
        recipients="Như trên; Lưu: VT, hồ sơ.",
    )
    assert (
        issued.notice_issued and issued.notice_signer == head and issued.notice_date == dt.date(2026, 11, 4)
    )
    with pytest.raises(ValidationError):
        reception.refusal_notice_issue(
            refusal=refusal, actor=head, number="06/TB-TCD", signer_title="Chủ tịch"
        )


def test_a_refusal_explained_orally_has_no_notice(world, frozen):
    frozen(at(2026, 11, 4, 10))
    result = reception.visit_record(
        actor=world.user(Role.INTAKE),
        authority=world.hn,
        content_kind="other",
        summary="Người đến trong tình trạng say rượu, la hét.",
        handling="refused",
        persons=[person(8, national_id="", address="")],  # no identity needed to refuse on Art 9(1)
        refusal_ground="L9-1",
    )
    refusal = Refusal.objects.get(visit=result.visit)
    assert not refusal.notice_required and refusal.notice_due is None
    with pytest.raises(ValidationError):
        reception.refusal_notice_issue(
            refusal=refusal, actor=world.user(Role.HEAD_OF_AGENCY), number="1", signer_title="Chủ tịch"
        )


@pytest.mark.parametrize(
    ("day", "ground", "ok"),
    [
        (dt.date(2026, 6, 30), "ND154-4-1-h", False),  # Decree 154 not yet in force
        (dt.date(2026, 7, 1), "ND154-4-1-h", True),
        (dt.date(2026, 6, 30), "L9-4", True),
        (dt.date(2026, 7, 1), "L9-4", False),  # replaced by the Decree's list
    ],
)
def test_refusal_grounds_are_those_in_force(world, frozen, day, ground, ok):
    frozen(at(2026, 11, 4, 10))
    kwargs = {
        "actor": world.user(Role.INTAKE),
        "authority": world.hn,
        "received_at": at(day.year, day.month, day.day, 9),
        "content_kind": "petition",
        "summary": "Kiến nghị đã được trả lời bằng văn bản, không có tình tiết mới.",
        "handling": "refused",
        "persons": [person(9)],
        "refusal_ground": ground,
    }
    if ok:
        visit = reception.visit_record(**kwargs).visit
        assert visit.refusal.ground_code == ground
        # before 01/07/2026 no time limit for the notice was read in the texts; R6 from that day
        if visit.refusal.notice_required:
            assert visit.refusal.notice_due is not None
    else:
        with pytest.raises(ValidationError) as exc:
            reception.visit_record(**kwargs)
        assert "refusal_ground" in exc.value.field_errors


def test_guided_transferred_and_urged_visits_handle_the_letter_at_once(world, frozen):
    frozen(at(2026, 11, 5, 10))
    officer = world.user(Role.INTAKE)
    guided = complaint_visit(
        world,
        handling="guided",
        in_competence=False,
        referred_to=world.hp,
        guidance="Hướng dẫn gửi đơn đến UBND Thành phố Hải Phòng, nơi ban hành quyết định.",
        referral_number="17/HD-TCD",
    )
    assert guided.case.status == Case.Status.GUIDED
    assert not guided.case.deadlines.filter(state="open").exists()
    # Only a denunciation is transferred; a complaint or petition outside competence is guided
    # (cases.rules.can_transfer).
    transferred = reception.visit_record(
        actor=officer,
        authority=world.hn,
        content_kind="denunciation",
        accused_name="Ông Nguyễn Văn T",
        summary="Tố cáo cán bộ thu tiền trái phép khi cấp phép xây dựng.",
        handling="transferred",
        in_competence=False,
        referred_to=world.hn_sxd,
        persons=[person(3)],
    )
    assert (
        transferred.case.status == Case.Status.TRANSFERRED and transferred.case.transferred_to == world.hn_sxd
    )
    urged = reception.visit_record(
        actor=officer,
        authority=world.hn,
        content_kind="denunciation",
        accused_name="Ông Lê Văn U",
        summary="Tố cáo cán bộ phường chưa được giải quyết, đề nghị đôn đốc.",
        handling="urged",
        in_competence=False,
        referred_to=world.hn_ward,
        persons=[person(4)],
    )
    assert urged.case.status == Case.Status.TRANSFERRED
    assert "Đôn đốc" in CaseEvent.objects.get(case=urged.case, kind="case.transferred").data["note"]
    # urging goes down the tree only (Art 26(1)(b))
    with pytest.raises(ValidationError):
        reception.visit_record(
            actor=officer,
            authority=world.hn_sxd,
            content_kind="petition",
            summary="x",
            handling="urged",
            in_competence=False,
            referred_to=world.hp,
            persons=[person(5)],
        )


def test_a_repeat_visit_about_a_case_is_recorded_on_it(world, frozen):
    frozen(at(2026, 11, 5, 10))
    first = complaint_visit(world)
    again = reception.visit_record(
        actor=world.user(Role.INTAKE),
        authority=world.hn,
        content_kind="complaint",
        summary="Hỏi tiến độ giải quyết khiếu nại.",
        handling="explained",
        guidance="Đã giải thích: hồ sơ đang trong thời hạn thụ lý.",
        existing_case=first.case,
        persons=[person()],
    )
    assert again.visit.case == first.case and not again.visit.created_case
    assert again.visit.repeat and again.visit.matter_key == first.visit.matter_key
    assert CaseEvent.objects.filter(case=first.case, kind="case.visited").count() == 1


def test_only_reception_staff_of_the_authority_record_visits(world, frozen):
    frozen(at(2026, 11, 5, 10))
    for user in (world.user(Role.AUDITOR), world.user(Role.INSPECTOR), world.user(Role.INTAKE, "hp")):
        with pytest.raises(PermissionDeniedError):
            complaint_visit(world, actor=user)
    assert not Visit.objects.exists()


def test_identity_reveal_needs_the_permission_and_is_logged(world, frozen):
    frozen(at(2026, 11, 5, 10))
    visit = complaint_visit(world).visit
    head = world.user(Role.HEAD_OF_AGENCY)
    with pytest.raises(ValidationError):
        reception.visit_identity_reveal(user=head, visit=visit, reason="")
    shown = reception.visit_identity_reveal(user=head, visit=visit, reason="Ra thông báo cho công dân")
    assert shown[0]["national_id"] == "001200000000"
    assert VisitIdentityAccess.objects.filter(user=head, visit=visit).count() == 1
    for user in (world.user(Role.AUDITOR), world.user(Role.INSPECTOR), world.user(Role.HEAD_OF_AGENCY, "hp")):
        with pytest.raises(PermissionDeniedError):
            reception.visit_identity_reveal(user=user, visit=visit, reason="Xem thử nhân thân")
    assert VisitIdentityAccess.objects.count() == 1
    assert VisitPerson.objects.filter(visit=visit).count() == 1


def test_online_reception_only_from_decree_154(world, frozen):
    frozen(at(2026, 11, 5, 10))
    with pytest.raises(ValidationError):
        complaint_visit(world, channel="online", received_at=at(2026, 6, 1, 9))
    assert complaint_visit(world, channel="online").visit.channel == "online"


def test_acceptance_answers_r1_and_k3(world, frozen):
    frozen(at(2026, 11, 5, 10))
    case = complaint_visit(world).case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    states = dict(Deadline.objects.filter(case=case).values_list("rule_code", "state"))
    assert states["R1"] == "met" and states["K3"] == "met" and states["K4"] == "open"
