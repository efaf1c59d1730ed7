"""The public verify page, the tracking page's signatures and deliveries, and the workspace screens
(with and without their permission, across agencies)."""

import pytest
from django.test import Client
from django.utils import timezone

from cases.delivery.models import Delivery, SignedDocument
from cases.delivery.services import _read
from cases.models import IdentityAccessLog, Role

from .conftest import decided

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(db):
    from django.core.cache import cache

    from publicsite.setup import ensure_site

    cache.clear()
    ensure_site()
    yield
    cache.clear()


def upload(client, content, url="/xac-thuc-van-ban/", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(url, {"file": SimpleUploadedFile("qd.pdf", content, "application/pdf"), **extra})


def test_verify_page_accepts_the_issued_pdf_and_refuses_a_changed_byte(world, signing_on, decision_pdf):
    case = decided(world, decision_pdf)
    document = SignedDocument.objects.get(case=case)
    content = _read(document.attachment)
    client = Client()
    assert client.get("/xac-thuc-van-ban/").status_code == 200
    response = upload(client, content)
    text = response.content.decode()
    assert response.status_code == 200 and 'data-outcome="valid"' in text and "Văn bản hợp lệ" in text
    assert document.sha256 in text and case.reference in text
    # Never the complainant: not the name, not the address.
    assert "Trần Thị Bình" not in text and "Hàng Bạc" not in text
    start = content.index(b"stream\n") + 20
    altered = content[:start] + bytes([content[start] ^ 0x01]) + content[start + 1 :]
    text = upload(client, altered).content.decode()
    assert 'data-outcome="altered"' in text and "Văn bản đã bị thay đổi" in text
    # By reference and number, no file.
    text = client.post(
        "/xac-thuc-van-ban/", {"reference": case.reference.lower(), "number": "15/QĐ-SXD"}
    ).content.decode()
    assert 'data-outcome="found"' in text and document.sha256 in text
    text = client.post("/xac-thuc-van-ban/", {"reference": case.reference, "number": "1/XX"}).content.decode()
    assert 'data-outcome="not_found"' in text
    # Nothing given: a clear error, nothing else.
    response = client.post("/xac-thuc-van-ban/", {})
    assert response.status_code == 200 and "Chọn tệp văn bản" in response.content.decode()


def test_verify_page_in_english_and_rate_limited(world, settings, signing_on, decision_pdf):
    case = decided(world, decision_pdf)
    content = _read(SignedDocument.objects.get(case=case).attachment)
    client = Client()
    text = upload(client, content, url="/en/verify-a-document/").content.decode()
    assert "The document is genuine" in text
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "verify": "2/h"}
    from django.core.cache import cache

    cache.clear()
    assert upload(client, content).status_code == 200
    assert upload(client, content).status_code == 200
    response = upload(client, content)
    assert response.status_code == 429 and response["Retry-After"]


def test_tracking_page_shows_the_signature_and_the_postal_dispatch(world, signing_on, decision_pdf):
    from cases.delivery.services import delivery_record

    case = decided(world, decision_pdf)
    document = SignedDocument.objects.get(case=case)
    delivery_record(
        case=case,
        actor=world.user(Role.INTAKE),
        attachment=document.attachment,
        recipient_kind="party",
        party=case.parties.first(),
        channel="post",
        postal_service="vnpost",
        tracking_number="EB123456789VN",
    )
    client = Client()
    client.post("/tra-cuu/", {"action": "lookup", "reference": case.reference, "access_key": case.access_key})
    text = client.get(f"/tra-cuu/?ma={case.reference}").content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Kết quả đã gửi qua bưu điện ngày {today}" in text and "EB123456789VN" in text
    assert "Chữ ký số hợp lệ" in text and document.signer_name in text
    # The timeline says it was signed (with its SHA-256) and sent, with no name or address.
    assert "Văn bản đã được ký số và ban hành" in text and document.sha256 in text
    assert "Kết quả giải quyết đã được gửi" in text and "Hàng Bạc" not in text
    # The signed copy is offered; the unsigned source is not.
    assert f"/tai-lieu/{document.attachment_id}/" in text
    assert f"/tai-lieu/{document.source_id}/" not in text
    assert client.get(f"/tai-lieu/{document.attachment_id}/").status_code == 200


def test_workspace_panel_record_envelope_and_daily_list(world, client, decision_pdf, signing_on):
    case = decided(world, decision_pdf)
    clerk = world.user(Role.INTAKE)
    client.force_login(clerk)
    page = client.get(f"/admin/cases/{case.reference}/").content.decode()
    assert 'data-testid="delivery-panel"' in page and 'data-testid="deliver-action"' in page
    assert "Ký số và ban hành văn bản" in page  # the staff timeline names the event
    url = f"/admin/cases/{case.reference}/delivery/new/"
    assert client.get(url).status_code == 200
    document = SignedDocument.objects.get(case=case)
    form = {
        "attachment": document.attachment_id,
        "recipient_kind": "party",
        "party": case.parties.first().pk,
        "channel": "post",
        "postal_service": "vnpost",
        "tracking_number": "EB111111111VN",
        "sent_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "version": case.version,
    }
    bad = client.post(url, {**form, "tracking_number": ""})
    assert bad.status_code == 400 and not Delivery.objects.exists()
    response = client.post(url, form)
    assert response.status_code == 302, response.content[:400]
    delivery = Delivery.objects.get(case=case)
    # The envelope: identity for a holder of the identity permission, and an access-log row.
    envelope = client.get(f"/admin/cases/{case.reference}/delivery/{delivery.pk}/envelope/")
    assert "Trần Thị Bình" in envelope.content.decode() and "12 Hàng Bạc" in envelope.content.decode()
    assert IdentityAccessLog.objects.filter(case=case, user=clerk, action="reveal_identity").count() == 1
    daily = client.get("/admin/cases/delivery/day/").content.decode()
    assert case.reference in daily and 'data-testid="sent-today"' in daily
    assert 'data-testid="on-time-count">1' in daily.replace("\n", "").replace("  ", "")
    listed = client.get(
        f"/admin/cases/delivery/sent/?outcome=on_time&from={timezone.localdate().replace(day=1)}&to={timezone.localdate()}"
    ).content.decode()
    assert listed.count('data-testid="sent-row"') == 1 and case.reference in listed


def test_workspace_refusals(world, client, decision_pdf, signing_on):
    case = decided(world, decision_pdf)
    url = f"/admin/cases/{case.reference}/delivery/new/"
    client.force_login(world.user(Role.INSPECTOR))
    response = client.get(url)
    assert response.status_code in (302, 403)
    client.force_login(world.user(Role.INTAKE, "hp"))
    assert client.get(url).status_code == 404
    client.force_login(world.user(Role.AUDITOR))
    assert client.get(url).status_code in (302, 403)
    assert client.get("/admin/cases/delivery/day/").status_code in (302, 403)
    # A clerk without the identity permission prints the envelope without the name, unlogged.
    from cases.delivery.services import delivery_record

    clerk = world.user(Role.INTAKE)
    delivery = delivery_record(
        case=case,
        actor=clerk,
        attachment=SignedDocument.objects.get(case=case).attachment,
        recipient_kind="party",
        party=case.parties.first(),
        channel="post",
        postal_service="vnpost",
        tracking_number="EB2",
    )
    clerk.groups.clear()
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="clerk-no-identity")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    clerk.groups.add(group)
    client.force_login(clerk)
    envelope = client.get(f"/admin/cases/{case.reference}/delivery/{delivery.pk}/envelope/").content.decode()
    assert "Trần Thị Bình" not in envelope and "bảo mật" in envelope
    assert not IdentityAccessLog.objects.filter(case=case, user=clerk, action="reveal_identity").exists()


def test_sign_confirmation_page_signs_a_generated_notice(world, client, signing_on, decision_pdf):
    from cases import documents, services

    case = decided(world, decision_pdf)
    head = world.user(Role.HEAD_OF_UNIT)
    upload_ = documents.notice_file(case=case, code="thu_ly_khieu_nai", user=head)
    notice = services.attachment_add(case=case, actor=head, files=[upload_], visibility="complainant")[0]
    client.force_login(head)
    page = client.get(f"/admin/cases/{case.reference}/").content.decode()
    assert f"/admin/cases/{case.reference}/sign/{notice.pk}/" in page
    url = f"/admin/cases/{case.reference}/sign/{notice.pk}/"
    confirm = client.get(url).content.decode()
    assert "Sở Xây dựng Hà Nội" in confirm  # the certificate's subject
    assert (
        client.post(url, {"signer_title": "Giám đốc", "number": "20/TB-SXD"}).status_code == 400
    )  # not confirmed
    response = client.post(url, {"signer_title": "Giám đốc", "number": "20/TB-SXD", "confirm": "on"})
    assert response.status_code == 302
    signed = SignedDocument.objects.get(source=notice)
    assert signed.signer_title == "Giám đốc" and signed.pdfa and signed.document_number == "20/TB-SXD"
    assert client.get(url).status_code == 404  # signed once only
    # The intake officer (not a signatory) may not sign.
    client.force_login(world.user(Role.INTAKE))
    other = services.attachment_add(
        case=case, actor=head, files=[documents.notice_file(case=case, code="thu_ly_khieu_nai", user=head)]
    )[0]
    assert client.get(f"/admin/cases/{case.reference}/sign/{other.pk}/").status_code in (302, 403)
