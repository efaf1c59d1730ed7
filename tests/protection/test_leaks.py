"""Nothing of a protection reaches the accused, the search index, a public page, the API or a log
line (Law on Denunciations 2018 Arts 8(3), 29(3), 40(3), 48(2)(b), 56): neither the protected
people's names, addresses or phones, nor the fact that protection was asked for."""

import datetime as dt
import json
import logging

import pytest
from django.test import Client

from cases import documents, services
from cases.actors import Citizen
from cases.models import Case, Role
from cases.protection import services as protection
from cases.protection.models import Measure
from notifications.models import Notification
from search.documents import case_document

from .conftest import CHILD, CHILD_ADDRESS, CHILD_PHONE, DENOUNCER, DENOUNCER_ADDRESS, START, written_request
from .conftest import denunciation as denunciation_case

SECRETS = (CHILD, CHILD_ADDRESS, CHILD_PHONE, "Khôi", "Lò Đúc")
# What would tell a reader that protection was asked for.
TRACES = ("bảo vệ người tố cáo", "biện pháp bảo vệ", "BV-", "T14", "T15", "protection")


def assert_clean(text: str, *, where: str, traces: bool = True) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} in {where}"
    if traces:
        low = text.lower()
        for trace in TRACES:
            assert trace.lower() not in low, f"{trace!r} in {where}"


@pytest.fixture(autouse=True)
def site_pages(db):
    """The public pages (a transactional test elsewhere may have flushed what the migration made)."""
    from publicsite.setup import ensure_site

    return ensure_site()


@pytest.fixture
def protected(world, clock, caplog):
    caplog.set_level(logging.DEBUG)
    result = services.case_submit(
        actor=Citizen.filing(),
        kind="denunciation",
        subject="Tố cáo cán bộ địa chính nhận tiền",
        description="Cán bộ địa chính phường nhận tiền để làm sổ đỏ.",
        parties=[
            services.PartyInput(
                full_name=DENOUNCER,
                national_id="001199012345",
                address=DENOUNCER_ADDRESS,
                phone="0987654321",
                email="binh.tran@example.vn",
            )
        ],
        authority=world.hn_sxd,
        accused_name="Phạm Văn Cường",
        received_at=START - dt.timedelta(hours=1),
    )
    head = world.user(Role.HEAD_OF_UNIT)
    services.case_accept(case=result.case, actor=world.user(Role.INTAKE))
    case = Case.objects.get(pk=result.case.pk)
    req = written_request(world, case)
    protection.protection_refer(
        request=req,
        actor=head,
        competent_body="Công an thành phố Hà Nội",
        measures=[Measure.LIFE_HEALTH],
        basis=f"Con người tố cáo, {CHILD}, bị đe dọa tại {CHILD_ADDRESS}.",
    )
    protection.protection_body_answer(
        request=req, actor=head, applied=True, dated=dt.date(2026, 10, 6), starts_on=dt.date(2026, 10, 6)
    )
    protection.protection_identity_read(user=head, request=req, reason="Gửi quyết định bảo vệ")
    protection.protection_change(
        request=req,
        actor=head,
        measures=[Measure.LIFE_HEALTH, Measure.PROPERTY],
        basis=f"{CHILD} báo mất xe.",
    )
    return case, result.access_key, req


def test_the_accused_notice_carries_neither_the_protected_people_nor_the_protection(world, protected):
    case, _key, _req = protected
    notice = documents.render_notice(
        case=case, code="thu_ly_to_cao_tb_nguoi_bi_to_cao", user=world.user(Role.HEAD_OF_UNIT)
    )
    assert notice.template.recipient == "accused" and not notice.identity_included
    assert_clean(notice.text, where="the notice to the accused")
    assert DENOUNCER not in notice.text and DENOUNCER_ADDRESS not in notice.text
    assert_clean(documents.docx_text(notice.content), where="the accused's DOCX")


def test_no_notification_mentions_it(protected):
    case, _key, _req = protected
    for message in Notification.objects.filter(case=case):
        assert_clean(
            json.dumps(message.context, ensure_ascii=False), where=f"notification {message.template}"
        )


def test_the_search_document_holds_nothing_of_it(protected):
    case, _key, _req = protected
    doc = case_document(Case.objects.select_related("authority", "assignee").get(pk=case.pk))
    assert_clean(json.dumps(doc, ensure_ascii=False, default=str), where="the search document")


def test_the_public_tracking_page_and_the_api_show_nothing_of_it(protected):
    case, key, _req = protected
    client = Client()
    response = client.post("/tra-cuu/", {"action": "lookup", "reference": case.reference, "access_key": key})
    assert response.status_code == 303
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Giải quyết tố cáo" in html  # the page shows the case's other deadlines
    assert_clean(html, where="the tracking page")
    api = client.get(f"/api/v1/cases/{case.reference}/", HTTP_X_ACCESS_KEY=key)
    assert api.status_code == 200
    assert_clean(api.content.decode("utf-8"), where="the API")
    assert_clean(json.dumps(api.json(), ensure_ascii=False), where="the API (decoded)")


class _Everything(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def every_log():
    """A handler on the root and on every logger that exists (some do not propagate), with the
    root at DEBUG as an operator's LOG_LEVEL=DEBUG sets it; loggers the settings pin keep their level."""
    handler = _Everything()
    root = logging.getLogger()
    loggers = [root] + [logging.getLogger(name) for name in list(logging.Logger.manager.loggerDict)]
    level = root.level
    for lg in loggers:
        lg.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    for lg in loggers:
        lg.removeHandler(handler)
    root.setLevel(level)


def test_no_log_line_carries_it(world, clock, every_log):
    from django.urls import reverse

    from cases.escalation import escalation_sweep

    case = Case.objects.get(pk=denunciation_case(world).pk)
    head = world.user(Role.HEAD_OF_UNIT)
    client = Client()
    client.force_login(head)
    new = reverse("protection_admin:new", args=[case.reference])
    form = {
        "channel": "written",
        "requested_on": "05/10/2026",
        "reasons": f"{CHILD} bị đe dọa tại {CHILD_ADDRESS}, gọi {CHILD_PHONE}.",
        "measures": ["confidentiality"],
        "protect_denouncer": "on",
        "relative_1_relation": "child",
        "relative_1_name": CHILD,
        "relative_1_address": CHILD_ADDRESS,
        "relative_1_phone": CHILD_PHONE,
    }
    assert client.post(new, form).status_code == 400  # unsigned: refused, and django.request logs it
    assert client.post(new, {**form, "signed": "on"}).status_code == 302
    req = case.protection_requests.get()
    identity = reverse("protection_admin:identity", args=[case.reference, req.pk])
    assert client.post(identity, {"reason": ""}).status_code == 400
    assert CHILD in client.post(identity, {"reason": "Gửi quyết định bảo vệ"}).content.decode()
    clock(dt.datetime(2026, 10, 9, 10, tzinfo=START.tzinfo))  # T14 overdue: the sweep escalates and logs
    escalation_sweep()
    protection.protection_apply(
        request=req,
        actor=head,
        measures=[Measure.CONFIDENTIALITY],
        basis=f"Bảo vệ {CHILD}",
        responsibilities="Đoàn xác minh",
        starts_on=dt.date(2026, 10, 9),
    )
    services.case_conclude(case=case, actor=head, outcome="true", summary="Tố cáo đúng")
    assert every_log.records  # the flow logs: the check is not vacuous
    for record in every_log.records:
        assert_clean(record.getMessage(), where=f"log {record.name}", traces=False)
        assert_clean(str(record.__dict__), where=f"log record {record.name}", traces=False)
