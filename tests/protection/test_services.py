"""Each step of the protection process, allowed and refused (the refusal names its article), the
automatic end at the conclusion, the deadline and the need-to-know reads with their timeline entry."""

import datetime as dt

import pytest
from django.db import connection

from cases import services
from cases.errors import PermissionDeniedError, ValidationError
from cases.escalation import escalation_sweep
from cases.models import Case, CaseEvent, Deadline, Escalation, IdentityAccessLog, Role, Visibility
from cases.protection import services as protection
from cases.protection.models import (
    Channel,
    Measure,
    ProtectionDocument,
    ProtectionNotice,
    ProtectionRequest,
    Relation,
)
from tests.factories import UserFactory

from .conftest import CHILD, CHILD_ADDRESS, DENOUNCER, ICT, START, denunciation, written_request

S = ProtectionRequest.Status


def head(world):
    return world.user(Role.HEAD_OF_UNIT)


def events(case, kind):
    return list(CaseEvent.objects.filter(case=case, kind=kind).order_by("seq"))


# --------------------------------------------------------------------------------- the request


def test_a_written_request_is_filed_with_its_people_deadline_and_an_internal_event(world, case):
    req = written_request(world, case)
    assert req.status == S.RECEIVED and req.handler == world.user(Role.INTAKE)
    persons = list(req.persons.order_by("position"))
    assert [p.relation for p in persons] == [Relation.DENOUNCER, Relation.CHILD]
    assert persons[0].party_id == case.parties.get().pk and persons[0].full_name == DENOUNCER
    assert persons[1].full_name == CHILD
    with connection.cursor() as cur:  # encrypted at rest, like Party
        cur.execute(
            "SELECT full_name, address FROM protection_protectedperson WHERE id = %s", [persons[1].pk]
        )
        raw_name, raw_address = cur.fetchone()
    assert raw_name.startswith("enc1:") and "Khôi" not in raw_name and "Lò Đúc" not in raw_address
    assert list(req.documents.values_list("kind", flat=True)) == [ProtectionDocument.Kind.REQUEST]
    deadline = Deadline.objects.get(pk=req.deadline_id)
    assert (deadline.rule_code, deadline.state, deadline.bearer) == ("T14", "open", "agency")
    assert deadline.due_date == dt.date(2026, 10, 8)  # 03 working days after Monday 5/10
    assert "Điều 51" in deadline.legal_basis_vi
    (event,) = events(case, "protection.requested")
    assert event.visibility == Visibility.INTERNAL
    assert event.data["relations"] == ["denouncer", "child"]
    assert DENOUNCER not in str(event.data) and CHILD not in str(event.data)
    assert req.history.count() == 2  # created, then its deadline linked


@pytest.mark.parametrize(
    ("changes", "article"),
    [
        ({"channel": Channel.PHONE, "urgent": False}, "Điều 50 khoản 1"),
        ({"signed": False}, "Điều 50 khoản 2 điểm d"),
        ({"measures": []}, "Điều 50 khoản 2 điểm c"),
        ({"persons": []}, "Điều 50 khoản 2 điểm b"),
        (
            {"persons": [protection.PersonInput(relation="sibling", full_name="Trần Văn Em")]},
            "Điều 47 khoản 1",
        ),
    ],
)
def test_a_request_the_law_does_not_know_is_refused_with_its_article(world, case, changes, article):
    with pytest.raises(ValidationError) as exc:
        written_request(world, case, **changes)
    assert article in str(exc.value.message)
    assert not ProtectionRequest.objects.exists()


def test_only_a_denunciation_being_resolved_takes_a_request(world, case):
    from tests.cases.test_services import submit

    complaint = submit(world).case
    with pytest.raises(ValidationError) as exc:
        written_request(world, complaint)
    assert "Điều 47" in str(exc.value.message)
    services.case_conclude(case=case, actor=head(world), outcome="false", summary="Tố cáo sai")
    with pytest.raises(ValidationError) as exc:
        written_request(world, Case.objects.get(pk=case.pk))
    assert "Điều 54 khoản 2" in str(exc.value.message)


@pytest.mark.parametrize("who", ["inspector", "auditor", "administrator", "superuser", "other_agency"])
def test_who_may_not_take_a_request(world, case, who):
    if who == "superuser":
        actor = UserFactory(username="root", is_superuser=True)
    elif who == "other_agency":
        actor = world.user(Role.INTAKE, "hp")
    else:
        actor = world.user(
            {"inspector": Role.INSPECTOR, "auditor": Role.AUDITOR, "administrator": Role.ADMINISTRATOR}[who]
        )
    with pytest.raises(PermissionDeniedError) as exc:
        written_request(world, case, actor=actor)
    assert "Điều" in str(exc.value.message)
    if who == "superuser":
        assert "Quyền quản trị hệ thống" in str(exc.value.message)


def test_an_urgent_phone_request_runs_on_the_urgent_limit_and_is_then_confirmed_in_writing(world, case):
    req = written_request(world, case, channel=Channel.PHONE, urgent=True, signed=False)
    assert req.urgent and req.awaiting_confirmation
    deadline = Deadline.objects.get(pk=req.deadline_id)
    assert (deadline.rule_code, deadline.due_date) == ("T15", dt.date(2026, 10, 6))
    with pytest.raises(ValidationError) as exc:
        protection.protection_request_confirm(
            request=req, actor=world.user(Role.INTAKE), confirmed_on=dt.date(2026, 10, 6), signed=False
        )
    assert "Điều 50 khoản 2 điểm d" in str(exc.value.message)
    req = protection.protection_request_confirm(
        request=req, actor=world.user(Role.INTAKE), confirmed_on=dt.date(2026, 10, 6), signed=True
    )
    assert not req.awaiting_confirmation
    assert req.documents.filter(kind=ProtectionDocument.Kind.CONFIRMATION).exists()
    with pytest.raises(ValidationError) as exc:
        protection.protection_request_confirm(
            request=req, actor=world.user(Role.INTAKE), confirmed_on=dt.date(2026, 10, 6), signed=True
        )
    assert "Điều 50 khoản 3" in str(exc.value.message)


# -------------------------------------------------------------------------------- the decision


def apply(world, req, **kw):
    values = {
        "request": req,
        "actor": head(world),
        "measures": [Measure.CONFIDENTIALITY],
        "basis": "Luật Tố cáo 2018, Điều 47, 51, 52, 56; đề nghị ngày 05/10/2026.",
        "responsibilities": "Đoàn xác minh giữ bí mật; văn thư lược bỏ thông tin cá nhân.",
        "starts_on": dt.date(2026, 10, 6),
        "decision_number": "15/QĐ-SXD",
    }
    values.update(kw)
    return protection.protection_apply(**values)


def test_the_resolver_applies_protection_in_its_competence_and_owes_each_person_the_decision(world, request_):
    req = apply(world, request_)
    assert req.status == S.APPLIED and req.measures_applied == ["confidentiality"]
    deadline = Deadline.objects.get(pk=req.deadline_id)
    assert deadline.state == Deadline.State.MET and not deadline.missed
    assert req.documents.filter(kind=ProtectionDocument.Kind.DECISION, number="15/QĐ-SXD").exists()
    notices = list(req.notices.values_list("kind", "person__relation"))
    assert sorted(notices) == [("decision", "child"), ("decision", "denouncer")]
    (event,) = events(req.case, "protection.applied")
    assert event.visibility == Visibility.INTERNAL and event.data["notices"] == 2
    with pytest.raises(ValidationError) as exc:
        apply(world, req)
    assert "Điều 51" in str(exc.value.message)


@pytest.mark.parametrize(
    ("changes", "article"),
    [
        ({"measures": [Measure.LIFE_HEALTH]}, "Điều 49 khoản 3"),
        ({"measures": [Measure.JOB_POSITION]}, "Điều 49 khoản 1"),
        ({"basis": ""}, "Điều 52 khoản 2 điểm b"),
        ({"responsibilities": ""}, "Điều 52 khoản 2 điểm d"),
        ({"starts_on": None}, "Điều 52 khoản 2 điểm đ"),
    ],
)
def test_a_decision_outside_competence_or_without_its_content_is_refused(world, request_, changes, article):
    with pytest.raises(ValidationError) as exc:
        apply(world, request_, **changes)
    assert article in str(exc.value.message)
    request_.refresh_from_db()
    assert request_.status == S.RECEIVED


@pytest.mark.parametrize("role", [Role.INTAKE, Role.INSPECTOR, Role.ADMINISTRATOR])
def test_only_the_resolver_decides(world, request_, role):
    with pytest.raises(PermissionDeniedError) as exc:
        apply(world, request_, actor=world.user(role))
    assert "Điều 51 khoản 1" in str(exc.value.message)


def test_the_job_of_a_person_under_its_management_is_the_resolvers_to_protect(world, request_):
    req = apply(world, request_, measures=[Measure.JOB_POSITION], under_management=True)
    assert req.measures_applied == ["job_position"]


def test_life_and_health_go_to_the_police_whose_answer_is_recorded(world, request_):
    req = protection.protection_refer(
        request=request_,
        actor=head(world),
        competent_body="Công an thành phố Hà Nội",
        measures=[Measure.LIFE_HEALTH],
        basis="Con người tố cáo bị đe dọa (Điều 47 khoản 3).",
        number="20/CV-SXD",
    )
    assert req.status == S.REFERRED and req.competent_body == "Công an thành phố Hà Nội"
    assert Deadline.objects.get(pk=req.deadline_id).state == Deadline.State.MET
    assert list(req.notices.values_list("person__relation", flat=True)) == ["denouncer"]
    with pytest.raises(ValidationError) as exc:  # the resolver's change needs a measure in force
        protection.protection_change(request=req, actor=head(world), measures=["honour"], basis="x")
    assert "Điều 54 khoản 1" in str(exc.value.message)
    req = protection.protection_body_answer(
        request=req,
        actor=head(world),
        applied=True,
        dated=dt.date(2026, 10, 8),
        starts_on=dt.date(2026, 10, 8),
    )
    assert (req.status, req.applied_by_body, req.measures_applied) == (S.APPLIED, True, ["life_health"])
    with pytest.raises(ValidationError) as exc:
        protection.protection_body_answer(
            request=req, actor=head(world), applied=False, dated=dt.date(2026, 10, 9)
        )
    assert "Điều 8" in str(exc.value.message)


def test_a_refusal_is_written_with_its_reasons_to_the_denouncer(world, request_):
    with pytest.raises(ValidationError) as exc:
        protection.protection_refuse(request=request_, actor=head(world), reasons=" ")
    assert "Điều 51 khoản 3" in str(exc.value.message)
    req = protection.protection_refuse(
        request=request_, actor=head(world), reasons="Không có căn cứ về việc bị đe dọa.", number="21/TB-SXD"
    )
    assert req.status == S.REFUSED and req.refusal_reasons == "Không có căn cứ về việc bị đe dọa."
    assert list(req.notices.values_list("kind", "person__relation")) == [("refusal", "denouncer")]
    assert req.documents.filter(kind=ProtectionDocument.Kind.REFUSAL).exists()


# ---------------------------------------------------------------------------- change and end


def test_change_and_end_are_decided_and_sent_to_every_protected_person(world, request_):
    req = apply(world, request_)
    with pytest.raises(ValidationError) as exc:
        protection.protection_change(request=req, actor=head(world), measures=["confidentiality"], basis="x")
    assert "Điều 54 khoản 1" in str(exc.value.message)
    req = protection.protection_change(
        request=req,
        actor=head(world),
        measures=["confidentiality", "job_position"],
        basis="Người tố cáo bị đe dọa điều chuyển.",
        under_management=True,
        on_request_dated=dt.date(2026, 10, 7),
    )
    assert req.measures_applied == ["confidentiality", "job_position"]
    assert req.notices.filter(kind=ProtectionNotice.Kind.CHANGE).count() == 2
    (changed,) = events(req.case, "protection.changed")
    assert changed.data["added"] == ["job_position"] and changed.data["removed"] == []
    for ground, article in (
        ("conclusion", "Điều 54 khoản 2 điểm a"),
        ("on_request", "Điều 54 khoản 2 điểm b"),
    ):
        with pytest.raises(ValidationError) as exc:
            protection.protection_end(request=req, actor=head(world), ground=ground)
        assert article in str(exc.value.message)
    req = protection.protection_end(
        request=req, actor=head(world), ground="grounds_ceased", number="30/QĐ-SXD"
    )
    assert req.status == S.ENDED and req.end_ground == "grounds_ceased"
    assert req.notices.filter(kind=ProtectionNotice.Kind.END).count() == 2
    kinds = list(req.documents.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["request", "decision", "change_request", "change_decision", "end_decision"]
    with pytest.raises(ValidationError) as exc:
        protection.protection_end(request=req, actor=head(world), ground="grounds_ceased")
    assert "Điều 54 khoản 2" in str(exc.value.message)


def test_the_breach_ground_exists_only_from_1_july_2026(world, case, clock):
    clock(dt.datetime(2026, 6, 1, 9, tzinfo=ICT))
    early = denunciation(world, received_at=dt.datetime(2026, 6, 1, 8, tzinfo=ICT))
    req = apply(world, written_request(world, early, requested_on=dt.date(2026, 6, 1)))
    with pytest.raises(ValidationError) as exc:
        protection.protection_end(request=req, actor=head(world), ground="breach")
    assert "01/07/2026" in str(exc.value.message)


def test_the_notice_sent_is_recorded_once(world, request_):
    req = apply(world, request_)
    notice = req.notices.first()
    protection.protection_notice_sent(notice=notice, actor=world.user(Role.INTAKE), channel="hand")
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.sent_channel == "hand"
    with pytest.raises(ValidationError):
        protection.protection_notice_sent(notice=notice, actor=world.user(Role.INTAKE), channel="post")


def test_the_file_takes_the_other_documents_of_article_55(world, request_):
    protection.protection_document_add(
        request=request_,
        actor=head(world),
        kind="verification",
        dated=dt.date(2026, 10, 6),
        summary="Đã xác minh",
    )
    with pytest.raises(ValidationError) as exc:
        protection.protection_document_add(
            request=request_, actor=head(world), kind="decision", dated=dt.date(2026, 10, 6)
        )
    assert "Điều 55 khoản 2" in str(exc.value.message)
    with pytest.raises(PermissionDeniedError):
        protection.protection_document_add(
            request=request_, actor=world.user(Role.INSPECTOR), kind="other", dated=dt.date(2026, 10, 6)
        )


# ------------------------------------------------------------------ the end with the case (Art 54(2)(a))


def test_protection_ends_by_itself_at_the_conclusion(world, request_):
    applied = apply(world, request_)
    pending = written_request(world, applied.case)  # a second request not decided yet
    services.case_conclude(case=applied.case, actor=head(world), outcome="true", summary="Tố cáo đúng")
    for req in (applied, pending):
        req.refresh_from_db()
        assert (req.status, req.end_ground) == (S.ENDED, "conclusion")
        assert req.notices.filter(kind=ProtectionNotice.Kind.END).count() == 2
        assert req.documents.filter(kind=ProtectionDocument.Kind.END_DECISION).exists()
    deadline = Deadline.objects.get(pk=pending.deadline_id)
    assert (deadline.state, deadline.end_reason, deadline.missed) == ("ended", "case_ended", False)
    ended = events(applied.case, "protection.ended")
    assert len(ended) == 2 and all(e.data["automatic"] and e.visibility == "internal" for e in ended)


def test_protection_ends_by_itself_when_the_resolution_is_ended(world, request_):
    req = apply(world, request_)
    services.case_terminate(case=req.case, actor=head(world), reason_code="TC-34-3-a")
    req.refresh_from_db()
    assert (req.status, req.end_ground) == (S.ENDED, "termination")


def test_a_case_without_protection_concludes_as_before(world, case):
    services.case_conclude(case=case, actor=head(world), outcome="false", summary="Tố cáo sai")
    assert not events(case, "protection.ended")


# ------------------------------------------------------------------- identity, need to know (Art 56)


def test_each_read_of_the_protected_identity_is_logged_and_on_the_internal_timeline(world, request_):
    reader = head(world)
    first = protection.protection_identity_read(user=reader, request=request_, reason="Lập quyết định bảo vệ")
    assert [p["full_name"] for p in first] == [DENOUNCER, CHILD] and first[1]["address"] == CHILD_ADDRESS
    protection.protection_identity_read(user=reader, request=request_, reason="Gửi quyết định cho con")
    reads = events(request_.case, "protection.identity_read")
    assert len(reads) == 2 and all(e.visibility == Visibility.INTERNAL and e.actor == reader for e in reads)
    assert CHILD not in str([e.data for e in reads])
    logs = IdentityAccessLog.objects.filter(case=request_.case, user=reader, action="reveal_identity")
    assert logs.count() == 2
    # The handler who took the request reads it too; another intake officer does not.
    protection.protection_identity_read(
        user=world.user(Role.INTAKE), request=request_, reason="Thụ lý đề nghị"
    )
    other_intake = UserFactory(username="hn_intake2")
    from cases.roles import membership_grant

    membership_grant(user=other_intake, authority=world.hn, role=Role.INTAKE)
    with pytest.raises(PermissionDeniedError):
        protection.protection_identity_read(user=other_intake, request=request_, reason="Tò mò muốn biết")


@pytest.mark.parametrize("who", ["superuser", "administrator", "inspector_assigned", "auditor"])
def test_being_superuser_administrator_verifier_or_auditor_is_not_a_need_to_know(world, request_, who):
    case = request_.case
    if who == "superuser":
        user = UserFactory(username="root", is_superuser=True)
    elif who == "inspector_assigned":
        services.case_assign(case=case, actor=head(world), assignee=world.user(Role.INSPECTOR))
        user = world.user(Role.INSPECTOR)
    else:
        user = world.user(Role.ADMINISTRATOR if who == "administrator" else Role.AUDITOR)
    before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(PermissionDeniedError):
        protection.protection_identity_read(user=user, request=request_, reason="Kiểm tra hệ thống")
    assert CaseEvent.objects.filter(case=case).count() == before
    if who == "superuser":
        # nor through the case's own identity reveal, once the denouncer asked for protection
        with pytest.raises(PermissionDeniedError) as exc:
            services.party_identity_reveal(user=user, party=case.parties.get(), reason="Kiểm tra hệ thống")
        assert "Quyền quản trị hệ thống" in str(exc.value.message)


def test_a_superuser_may_still_reveal_an_unprotected_denouncer(world, case):
    root = UserFactory(username="root", is_superuser=True)
    identity = services.party_identity_reveal(user=root, party=case.parties.get(), reason="Kiểm tra dữ liệu")
    assert identity["full_name"] == DENOUNCER


# ------------------------------------------------------------------------- scheduled, escalated


def test_the_request_limit_is_warned_and_escalated_like_the_others(world, request_, clock):
    deadline = Deadline.objects.get(pk=request_.deadline_id)
    clock(dt.datetime(2026, 10, 7, 10, tzinfo=ICT))  # the working day before it is due
    escalation_sweep()
    assert Escalation.objects.filter(deadline=deadline, step__startswith="warn-").exists()
    clock(dt.datetime(2026, 10, 9, 10, tzinfo=ICT))
    escalation_sweep()
    assert Escalation.objects.filter(deadline=deadline, step="L1").exists()
    assert Case.objects.get(pk=request_.case_id).escalation_level >= 1
    assert deadline.due_at > START


def test_the_limit_warns_who_may_know_never_the_verification_team(world, request_, clock):
    from notifications.models import Notification

    inspector = world.user(Role.INSPECTOR)
    services.case_assign(case=request_.case, actor=head(world), assignee=inspector)
    clock(dt.datetime(2026, 10, 7, 10, tzinfo=ICT))  # the working day before T14 is due
    escalation_sweep()
    warned = Notification.objects.filter(case=request_.case, template="deadline.warning")
    about_t14 = [n for n in warned if n.context.get("rule") == "T14"]
    assert about_t14, list(warned.values_list("context", flat=True))
    assert all(n.recipient_user_id != inspector.pk for n in about_t14)
    assert {n.recipient_user_id for n in about_t14} <= {head(world).pk}
