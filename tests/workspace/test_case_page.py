"""The case page: scope, the view_case access-log row, masked identity and the logged reveal,
attachments from private storage, the timeline with field diffs, linked cases, and the actions
offered (only those the workflow and the role allow now)."""

import re

from cases import services
from cases.models import Attachment, IdentityAccessLog, Role
from tests.factories import UserFactory

from .conftest import PERSON, accepted, fresh, make_case, refused

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def actions_on_page(html: str) -> set[str]:
    return set(re.findall(r'data-action-slug="([a-z-]+)"', html))


def test_case_page_scope_and_view_log(world, login):
    case = make_case(world)
    inspector = world.user(Role.INSPECTOR)
    r = login(inspector).get(f"/admin/cases/{case.reference}/")
    assert r.status_code == 200 and case.subject in r.content.decode()
    assert IdentityAccessLog.objects.filter(user=inspector, case=case, action="view_case").count() == 1
    # Another agency's staff: the case does not exist for them; nothing logged.
    hp = world.user(Role.HEAD_OF_AGENCY, "hp")
    assert login(hp).get(f"/admin/cases/{case.reference}/").status_code == 404
    assert not IdentityAccessLog.objects.filter(user=hp).exists()
    # Staff without any role.
    r = login(UserFactory(username="norole")).get(f"/admin/cases/{case.reference}/")
    assert r.status_code in (302, 404) and case.subject not in r.content.decode()
    # The auditor reads everything.
    assert login(world.user(Role.AUDITOR, "hp")).get(f"/admin/cases/{case.reference}/").status_code == 200


def test_identity_masked_and_reveal_needs_permission_and_reason(world, login):
    case = make_case(world, kind="denunciation")
    party = case.parties.get()
    url = f"/admin/cases/{case.reference}/parties/{party.pk}/reveal/"
    head = world.user(Role.HEAD_OF_UNIT)
    html = login(head).get(f"/admin/cases/{case.reference}/").content.decode()
    for secret in (PERSON["full_name"], PERSON["national_id"], PERSON["address"], PERSON["phone"]):
        assert secret not in html
    assert "•••345" in html and url in html
    # No reason: refused, nothing logged.
    r = login(head).post(url, {"reason": ""})
    assert r.status_code == 400 and PERSON["full_name"] not in r.content.decode()
    assert not IdentityAccessLog.objects.filter(action="reveal_identity").exists()
    r = login(head).post(url, {"reason": "Gửi thông báo thụ lý cho người tố cáo"})
    assert r.status_code == 200 and PERSON["full_name"] in r.content.decode()
    assert "no-store" in r["Cache-Control"]
    log = IdentityAccessLog.objects.get(action="reveal_identity")
    assert (log.user, log.party, log.reason) == (head, party, "Gửi thông báo thụ lý cho người tố cáo")
    # Without the identity permission (inspector, auditor) or outside the agency: refused.
    for user, status in (
        (world.user(Role.INSPECTOR), 403),
        (world.user(Role.AUDITOR), 403),
        (world.user(Role.HEAD_OF_UNIT, "hp"), 404),
    ):
        r = login(user).post(url, {"reason": "Tò mò muốn biết người tố cáo"})
        assert refused(r) if status == 403 else r.status_code == 404, user
        assert PERSON["full_name"] not in r.content.decode()
    assert IdentityAccessLog.objects.filter(action="reveal_identity").count() == 1
    inspector_html = login(world.user(Role.INSPECTOR)).get(f"/admin/cases/{case.reference}/").content.decode()
    assert url not in inspector_html


def test_attachments_preview_and_download_through_checked_view(world, login):
    case = accepted(world, kind="complaint")
    head = world.user(Role.HEAD_OF_UNIT)
    image, pdf = services.attachment_add(
        case=case,
        actor=head,
        files=[
            services.FileInput(name="anh.png", content=PNG, content_type="image/png"),
            services.FileInput(name="bien-ban.pdf", content=PDF, content_type="application/pdf"),
        ],
    )
    inspector = world.user(Role.INSPECTOR)
    client = login(inspector)
    page = client.get(f"/admin/cases/{case.reference}/attachments/{image.pk}/").content.decode()
    assert f"/admin/cases/{case.reference}/attachments/{image.pk}/file/?inline=1" in page and "<img" in page
    page = client.get(f"/admin/cases/{case.reference}/attachments/{pdf.pk}/").content.decode()
    assert "<iframe" in page
    r = client.get(f"/admin/cases/{case.reference}/attachments/{image.pk}/file/?inline=1")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PNG
    assert r["Content-Type"] == "image/png" and r["Content-Disposition"].startswith("inline")
    assert r["X-Frame-Options"] == "SAMEORIGIN"
    r = client.get(f"/admin/cases/{case.reference}/attachments/{pdf.pk}/file/")
    assert r["Content-Disposition"].startswith("attachment")
    # A case's URL with another case's attachment: 404.
    other = make_case(world)
    assert client.get(f"/admin/cases/{other.reference}/attachments/{image.pk}/file/").status_code == 404
    # Other agency: 404.
    hp = login(world.user(Role.INSPECTOR, "hp"))
    assert hp.get(f"/admin/cases/{case.reference}/attachments/{image.pk}/file/").status_code == 404


def test_attachment_with_identity_needs_identity_permission(world, login):
    case = accepted(world, kind="denunciation")
    scan = services.attachment_add(
        case=case,
        actor=world.user(Role.INTAKE),
        files=[
            services.FileInput(name="don.png", content=PNG, content_type="image/png", contains_identity=True)
        ],
    )[0]
    assert scan.contains_identity
    url = f"/admin/cases/{case.reference}/attachments/{scan.pk}/file/"
    assert refused(login(world.user(Role.INSPECTOR)).get(url))
    head = world.user(Role.HEAD_OF_UNIT)
    assert login(head).get(url).status_code == 200
    assert IdentityAccessLog.objects.filter(user=head, case=case, action="reveal_identity").count() == 1


def test_timeline_shows_field_diffs_events_and_notes(world, login):
    case = make_case(world, kind="denunciation")
    intake = world.user(Role.INTAKE)
    services.case_classify(case=case, actor=intake, complexity="complex")
    services.note_add(case=case, actor=intake, text="Đã gọi điện xác nhận địa chỉ người gửi")
    html = login(world.user(Role.INSPECTOR)).get(f"/admin/cases/{case.reference}/").content.decode()
    assert "Phân loại đơn" in html and "Tiếp nhận đơn" in html
    # The field-level diff: complexity normal -> complex, with the reason.
    assert re.search(r"tính chất: <del>Bình thường</del> → <ins>Phức tạp</ins>", html)
    assert "Lý do thay đổi: phân loại" in html
    assert "Đã gọi điện xác nhận địa chỉ người gửi" in html


def test_linked_earlier_and_later_cases(world, login):
    first = accepted(world, kind="complaint")
    head = world.user(Role.HEAD_OF_UNIT)
    first = services.case_conclude(
        case=first, actor=head, outcome="wrong", summary="Khiếu nại sai", decision_number="1/QĐ"
    )
    second = services.case_open_second_level(
        case=first, actor=world.user(Role.INTAKE), description="Không đồng ý quyết định lần đầu"
    ).case
    client = login(world.user(Role.HEAD_OF_AGENCY))
    html = client.get(f"/admin/cases/{first.reference}/").content.decode()
    assert f'href="/admin/cases/{second.reference}/"' in html and "Hồ sơ sau" in html
    html = client.get(f"/admin/cases/{second.reference}/").content.decode()
    assert f'href="/admin/cases/{first.reference}/"' in html and "Hồ sơ trước" in html


def test_only_currently_allowed_actions_are_offered(world, login):
    case = make_case(world, kind="denunciation")
    url = f"/admin/cases/{case.reference}/"
    intake_actions = actions_on_page(login(world.user(Role.INTAKE)).get(url).content.decode())
    assert {"accept", "reject", "transfer", "guide", "merge", "classify"} <= intake_actions
    assert not {"assign", "extend", "conclude", "publish", "verify"} & intake_actions
    inspector_actions = actions_on_page(login(world.user(Role.INSPECTOR)).get(url).content.decode())
    assert not {"accept", "reject", "transfer"} & inspector_actions
    case = accepted(world, kind="denunciation")
    head_actions = actions_on_page(
        login(world.user(Role.HEAD_OF_UNIT)).get(f"/admin/cases/{case.reference}/").content.decode()
    )
    assert {"verify", "suspend", "terminate", "conclude", "assign", "withdraw"} <= head_actions
    assert "accept" not in head_actions
    assert "extend" not in head_actions  # normal complexity: no extension (Decree 31 Art 3)
    assert "dialogue" not in head_actions  # dialogue is for complaints
    services.case_classify(case=case, actor=world.user(Role.HEAD_OF_UNIT), complexity="complex")
    head_actions = actions_on_page(
        login(world.user(Role.HEAD_OF_UNIT)).get(f"/admin/cases/{case.reference}/").content.decode()
    )
    assert "extend" in head_actions
    # The HN inspector assigned to it can verify; the other HN inspector cannot.
    assert "verify" in actions_on_page(
        login(world.user(Role.INSPECTOR)).get(f"/admin/cases/{case.reference}/").content.decode()
    )
    other = fresh(case)
    assert "verify" not in actions_on_page(
        login(world.inspector2).get(f"/admin/cases/{other.reference}/").content.decode()
    )
    # Direct GET of an action the workflow does not allow now: back to the case with a message.
    r = login(world.user(Role.HEAD_OF_UNIT)).get(f"/admin/cases/{case.reference}/action/publish/")
    assert r.status_code == 302
    assert Attachment.objects.filter(case=case).count() == 0
