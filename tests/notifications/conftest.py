"""Fixtures for the notification tests. Case services do not exist yet, so events are appended by
a small helper that keeps the hash chain the way ``CaseEvent`` expects."""

from __future__ import annotations

import socket

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone

from cases.models import Case, CaseEvent, Party, Visibility
from tests.factories import AuthorityFactory, CaseFactory, PartyFactory, UserFactory

DENOUNCER = {
    "full_name": "Trần Thị Bích Ngọc",
    "national_id": "079188001234",
    "address": "Số 12 ngõ 45 phố Hàng Bông, phường Hoàn Kiếm, Hà Nội",
    "phone": "0987654321",
    "email": "bich.ngoc.tran@example.vn",
}


def append_event(case: Case, kind: str, *, visibility=Visibility.COMPLAINANT, data=None, actor=None):
    """Append one CaseEvent with seq and the hash chained to the previous event of the case."""
    last = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    event = CaseEvent(
        case=case,
        seq=(last.seq + 1) if last else 1,
        kind=kind,
        actor=actor,
        actor_role="",
        visibility=visibility,
        data=data or {},
        prev_hash=last.hash if last else CaseEvent.GENESIS,
        created_at=timezone.now(),
    )
    event.hash = event.compute_hash()
    event.save()
    return event


def identity_values(party_values: dict) -> list[str]:
    return [v for v in party_values.values() if v]


def closed_port() -> int:
    """A loopback port nobody listens on (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def grant_admin_access(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return user


@pytest.fixture
def sms_dir(tmp_path, settings):
    settings.SMS_BACKEND = "notifications.channels.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return settings.SMS_FILE_PATH


@pytest.fixture
def outbox():
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def complaint(db):
    authority = AuthorityFactory(
        code="HN-SXD", name_vi="Sở Xây dựng Hà Nội", name_en="Hanoi Construction Dept"
    )
    case = CaseFactory(authority=authority, kind=Case.Kind.COMPLAINT)
    party = PartyFactory(case=case, role=Party.Role.COMPLAINANT, language="vi")
    return case, party


@pytest.fixture
def denunciation(db):
    """A denunciation whose denouncer typed their own name into the subject and phone into the text."""
    authority = AuthorityFactory(
        code="HN-TT", name_vi="Thanh tra thành phố Hà Nội", name_en="Hanoi Inspectorate"
    )
    accused = UserFactory(username="accused_official")
    case = CaseFactory(
        authority=authority,
        kind=Case.Kind.DENUNCIATION,
        complaint_level="",
        subject="Tran Thi Bich Ngoc tố cáo cán bộ phường nhận hối lộ",
        description="Tôi là Trần Thị Bích Ngọc, điện thoại 0987 654 321, tố cáo ông X.",
        reason_text="Người tố cáo Trần Thị Bích Ngọc đã cung cấp đủ thông tin.",
        accused_name="Lê Văn X",
        accused_user=accused,
    )
    party = PartyFactory(case=case, role=Party.Role.DENOUNCER, language="en", **DENOUNCER)
    return case, party, accused
