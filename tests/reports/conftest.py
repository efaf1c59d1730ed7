"""Generated data for the report tests: cases, visits and heads' sessions around the third quarter of
2026 under Circular 06/2025 (15/06/2026 – 14/09/2026), made through the services at the moments
they happened (time is frozen per step), including the period's edges in Asia/Ho_Chi_Minh."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases import services
from cases.actors import Citizen
from cases.models import Role
from cases.reception import services as reception
from cases.reception.models import ReceptionPlace

ICT = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, h=9, minute=0, second=0):
    return dt.datetime(y, m, d, h, minute, second, tzinfo=ICT)


@pytest.fixture(autouse=True)
def role_groups(db):
    from cases.roles import ensure_role_groups

    ensure_role_groups()


@pytest.fixture
def frozen(monkeypatch):
    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


def person(n, **kw):
    values = {
        "full_name": f"Trần Thị Dân {n}",
        "national_id": f"0013000{n:05d}",
        "address": f"{n} Lò Đúc, Hà Nội",
    }
    values.update(kw)
    return reception.PersonInput(**values)


class Quarter:
    """What was made, by name, for the tests to point at."""

    def __init__(self):
        self.cases = {}
        self.visits = {}
        self.sessions = {}


def build_quarter(world, frozen) -> Quarter:
    q = Quarter()
    intake, head_unit = world.user(Role.INTAKE), world.user(Role.HEAD_OF_UNIT)
    head = world.user(Role.HEAD_OF_AGENCY)

    def submit(name, kind, when, authority, **kw):
        frozen(when)
        defaults = {
            "kind": kind,
            "subject": f"{name}: đơn thử nghiệm",
            "description": "Nội dung đơn thử nghiệm cho báo cáo định kỳ.",
            "parties": []
            if kind == "anonymous_report"
            else [
                services.PartyInput(
                    full_name=f"Người gửi {name}", address="Hà Nội", national_id=f"0019{len(q.cases):08d}"
                )
            ],
            "authority": authority,
            "contested_act": "Quyết định 1/QĐ-UBND" if kind == "complaint" else "",
            "actor": Citizen.filing(),
            "received_at": when,
        }
        defaults.update(kw)
        case = services.case_submit(**defaults).case
        q.cases[name] = case
        return case

    def act(when, verb, name, **kw):
        frozen(when)
        case = q.cases[name]
        case.refresh_from_db()
        result = getattr(services, verb)(case=case, **kw)
        q.cases[name] = result if hasattr(result, "pk") else case
        return result

    sxd, ward, hn = world.hn_sxd, world.hn_ward, world.hn
    # Before the period, handled in it (carried over letter, accepted and decided in the period).
    submit("carried_decided", "complaint", at(2026, 6, 10), sxd)
    act(at(2026, 6, 20), "case_accept", "carried_decided", actor=intake)
    act(at(2026, 7, 25), "case_conclude", "carried_decided", actor=head_unit, outcome="right", summary="Đúng")
    # Received at 23:59:59 on the day before the period: carried over, handled in it.
    submit("edge_before", "complaint", at(2026, 6, 14, 23, 59, 59), sxd)
    act(at(2026, 6, 16), "case_accept", "edge_before", actor=intake)
    # Received at 00:00 on the first day: in the period.
    submit("edge_first_day", "petition", at(2026, 6, 15, 0, 0), ward)
    # Received at 23:59 on the last day: in the period, not handled by its end.
    submit("edge_last_minute", "complaint", at(2026, 9, 14, 23, 59), sxd)
    # Received at 00:00 on the day after: the next period.
    submit("edge_next_day", "complaint", at(2026, 9, 15, 0, 0), sxd)
    # Denunciations: concluded on time; accepted before and concluded late; a re-denunciation withdrawn.
    submit("den_on_time", "denunciation", at(2026, 7, 1), sxd, accused_name="Ông B")
    act(at(2026, 7, 3), "case_accept", "den_on_time", actor=intake)
    act(at(2026, 7, 20), "case_conclude", "den_on_time", actor=head_unit, outcome="true", summary="Đúng")
    submit("den_late", "denunciation", at(2026, 5, 28), sxd, accused_name="Ông C")
    act(at(2026, 6, 1), "case_accept", "den_late", actor=intake)
    act(at(2026, 7, 20), "case_conclude", "den_late", actor=head_unit, outcome="false", summary="Sai")
    submit(
        "redenounce",
        "denunciation",
        at(2026, 7, 25),
        sxd,
        accused_name="Ông C",
        previous_case=q.cases["den_late"],
    )
    act(at(2026, 7, 27), "case_accept", "redenounce", actor=intake)
    act(
        at(2026, 8, 3),
        "case_withdraw",
        "redenounce",
        actor=intake,
        statement="Rút toàn bộ nội dung tố cáo.",
        evidence="signed_letter",
        end_reason="Hành vi bị tố cáo không có dấu hiệu vi phạm; việc rút đơn là tự nguyện.",
    )
    submit("den_ended", "denunciation", at(2026, 6, 2), ward, accused_name="Ông D")
    act(at(2026, 6, 5), "case_accept", "den_ended", actor=intake)
    act(at(2026, 7, 10), "case_terminate", "den_ended", actor=head, reason_code="TC-34-3-b")
    # Letter handling outcomes in the period.
    submit("ineligible", "petition", at(2026, 7, 2), ward)
    act(at(2026, 7, 6), "case_reject", "ineligible", actor=intake, reason_code="XLD-28-ineligible")
    submit("refused_k11", "complaint", at(2026, 7, 3), sxd)
    act(at(2026, 7, 7), "case_reject", "refused_k11", actor=intake, reason_code="KN-11-6")
    submit("guided", "petition", at(2026, 7, 4, 10), hn)
    act(at(2026, 7, 8), "case_guide", "guided", actor=intake, guidance="Hướng dẫn đến UBND phường.")
    # Only a denunciation is transferred (complaints and petitions are guided: cases.rules).
    submit("transferred", "denunciation", at(2026, 7, 5, 10), hn, accused_name="Ông E")
    act(at(2026, 7, 9), "case_transfer", "transferred", actor=intake, to_authority=world.hp)
    submit("duplicate", "complaint", at(2026, 8, 10), sxd)
    act(at(2026, 8, 11), "case_merge_duplicate", "duplicate", actor=intake, into=q.cases["edge_before"])
    submit("withdrawn_early", "complaint", at(2026, 8, 20), ward)
    act(
        at(2026, 8, 25),
        "case_withdraw",
        "withdrawn_early",
        actor=intake,
        statement="Xin rút đơn.",
        evidence="signed_letter",
    )
    submit("anonymous", "anonymous_report", at(2026, 7, 6), sxd)
    act(at(2026, 7, 7), "case_accept", "anonymous", actor=intake)
    # A second-level complaint on the first one, decided upholding the first decision.
    submit(
        "second_level",
        "complaint",
        at(2026, 8, 1),
        hn,
        complaint_level="second",
        previous_case=q.cases["carried_decided"],
    )
    act(at(2026, 8, 5), "case_accept", "second_level", actor=intake)
    # The second-level dialogue was held (Law on Complaints Art 39; cases.verification).
    from cases.verification.models import Dialogue

    Dialogue.objects.create(
        case=q.cases["second_level"],
        when=at(2026, 8, 12),
        place="Trụ sở UBND Thành phố",
        notice_sent_on=dt.date(2026, 8, 5),
        status="held",
        result="Giữ nguyên yêu cầu",
    )
    act(at(2026, 8, 20), "case_conclude", "second_level", actor=head, outcome="wrong", summary="Công nhận")
    # Ended before the period: counted nowhere.
    submit("long_done", "complaint", at(2026, 3, 20), sxd)
    act(at(2026, 3, 25), "case_accept", "long_done", actor=intake)
    act(at(2026, 4, 20), "case_conclude", "long_done", actor=head_unit, outcome="wrong", summary="Sai")
    # Still open, received long before: in the backlog at the end, aged 180+ days.
    submit("old_open", "petition", at(2026, 1, 5), ward)

    # Citizen reception: a place, a regular visit, a group, a repeat, a refusal, head's sessions.
    place = ReceptionPlace.objects.create(authority=hn, name_vi="Trụ sở TCD", address_vi="Hà Nội")
    frozen(at(2026, 7, 13, 10))
    q.visits["regular"] = v = reception.visit_record(
        actor=intake,
        authority=hn,
        place=place,
        received_at=at(2026, 7, 13, 9),
        content_kind="complaint",
        summary="Khiếu nại quyết định xử phạt.",
        handling="received",
        persons=[person(1)],
        contested_act="Quyết định xử phạt 9/QĐ-XPHC",
    ).visit
    q.cases["visit_case"] = v.case
    frozen(at(2026, 7, 14, 10))
    q.visits["group"] = reception.visit_record(
        actor=intake,
        authority=hn,
        place=place,
        received_at=at(2026, 7, 14, 9),
        content_kind="petition",
        summary="Kiến nghị của 6 hộ dân về đền bù.",
        handling="explained",
        guidance="Giải thích chính sách đền bù.",
        group_size=6,
        persons=[person(2, is_representative=True), person(3, is_representative=True)],
    ).visit
    frozen(at(2026, 8, 3, 10))
    q.visits["repeat"] = reception.visit_record(
        actor=intake,
        authority=hn,
        received_at=at(2026, 8, 3, 9),
        content_kind="complaint",
        summary="Hỏi tiến độ khiếu nại.",
        handling="explained",
        guidance="Đang giải quyết.",
        existing_case=q.cases["visit_case"],
        persons=[person(1)],
    ).visit
    q.visits["refused"] = reception.visit_record(
        actor=intake,
        authority=hn,
        received_at=at(2026, 8, 3, 9, 30),
        content_kind="other",
        summary="Gây rối.",
        handling="refused",
        refusal_ground="L9-2",
        persons=[person(4, national_id="", address="")],
    ).visit
    # An authorised session before 01/07/2026 with a group of 12, and the head's own session.
    from cases.roles import membership_grant
    from tests.factories import UserFactory

    deputy = UserFactory(username="hn_vice_chair")
    membership_grant(user=deputy, authority=hn, role=Role.HEAD_OF_UNIT)
    frozen(at(2026, 6, 18, 8))
    auth = reception.session_plan(
        actor=intake,
        authority=hn,
        place=place,
        starts_at=at(2026, 6, 20, 8),
        presider=deputy,
        presider_title="Phó Chủ tịch (được ủy quyền)",
        authorised=True,
    )
    frozen(at(2026, 6, 20, 11))
    q.visits["authorised_group"] = reception.visit_record(
        actor=intake,
        authority=hn,
        session=auth,
        received_at=at(2026, 6, 20, 8, 30),
        content_kind="complaint",
        summary="12 hộ dân khiếu nại giá bồi thường.",
        handling="explained",
        guidance="Tiếp thu, chỉ đạo kiểm tra.",
        group_size=12,
        persons=[person(5, is_representative=True)],
    ).visit
    reception.session_conclude(
        session=auth,
        actor=intake,
        conclusions="Giao kiểm tra.",
        notice_number="1/TB",
        notice_date=dt.date(2026, 6, 20),
    )
    frozen(at(2026, 9, 10, 7))
    own = reception.session_plan(
        actor=intake,
        authority=hn,
        place=place,
        starts_at=at(2026, 9, 14, 8),
        presider=head,
        presider_title="Chủ tịch UBND Thành phố",
    )
    frozen(at(2026, 9, 14, 23, 59, 30))
    q.visits["head_last_minute"] = reception.visit_record(
        actor=intake,
        authority=hn,
        session=own,
        received_at=at(2026, 9, 14, 23, 59),
        content_kind="complaint",
        summary="Khiếu nại về việc cưỡng chế.",
        handling="explained",
        guidance="Ghi nhận, chỉ đạo.",
        existing_case=q.cases["visit_case"],
        persons=[person(1)],
    ).visit
    reception.session_conclude(
        session=own,
        actor=head,
        conclusions="Chỉ đạo.",
        notice_number="2/TB",
        notice_date=dt.date(2026, 9, 14),
    )
    frozen(at(2026, 9, 15, 0, 1))
    q.visits["next_day"] = reception.visit_record(
        actor=intake,
        authority=hn,
        received_at=at(2026, 9, 15, 0, 0),
        content_kind="petition",
        summary="Kiến nghị sáng sớm.",
        handling="explained",
        guidance="Giải thích.",
        persons=[person(6)],
    ).visit
    q.sessions = {"authorised": auth, "own": own}
    frozen(at(2026, 12, 1, 9))
    return q


@pytest.fixture
def quarter(world, frozen):
    return build_quarter(world, frozen)
