"""Finding 7: identity a citizen typed into the subject or description is masked for every reader
without the identity permission — the case page, the list, the auditor's export, the search index
and the oversight lists — and kept as typed for those with it; short names are handled as whole
words."""

import json

import pytest

from cases.models import Role
from cases.redaction import MASK, identity_needles, redact_text
from search.documents import case_document
from tests.workspace.conftest import make_case

pytestmark = pytest.mark.django_db
NAME = "Trần Thị Bình"  # PERSON in tests/workspace/conftest.py
PHONE = "0987 654 321"


@pytest.fixture
def typed(world):
    from cases.roles import ensure_role_groups

    ensure_role_groups()
    return make_case(
        world,
        subject=f"Khiếu nại của bà {NAME}",
        description=f"Tôi là {NAME}, điện thoại {PHONE}, đề nghị xem xét quyết định thu hồi đất.",
    )


def test_the_case_page_masks_typed_identity_for_roles_without_the_permission(world, client, typed):
    client.force_login(world.user(Role.INSPECTOR))
    html = client.get(f"/admin/cases/{typed.reference}/").content.decode()
    assert NAME not in html and "654" not in html and MASK in html
    client.force_login(world.user(Role.INTAKE))
    html = client.get(f"/admin/cases/{typed.reference}/").content.decode()
    assert NAME in html and PHONE in html  # the original for identity-permitted roles


def test_the_list_masks_it_too(world, client, typed):
    client.force_login(world.user(Role.AUDITOR))
    html = client.get("/admin/cases/").content.decode()
    assert typed.reference in html and NAME not in html
    client.force_login(world.user(Role.HEAD_OF_UNIT))
    assert NAME in client.get("/admin/cases/").content.decode()


def test_the_auditor_s_export_masks_it(world, client, typed):
    client.force_login(world.user(Role.AUDITOR))
    payload = client.get(f"/admin/cases/{typed.reference}/export.json").content.decode()
    assert NAME not in payload and "654" not in payload
    assert MASK in json.loads(payload)["case"]["subject"]


def test_the_search_index_never_holds_it(world, typed):
    document = json.dumps(case_document(typed), ensure_ascii=False)
    assert NAME not in document and "binh" not in document.lower().split("tran thi")[-1][:5]
    assert "654" not in document


def test_the_oversight_rows_mask_it(world, typed):
    from search.finder import rows_for_ids

    rows = rows_for_ids([typed.pk])
    assert NAME not in rows[0]["subject"] and MASK in rows[0]["subject"]


def test_short_names_are_masked_as_whole_words_only():
    party = type("P", (), {"full_name": "Võ Y", "national_id": "", "address": "", "phone": "", "email": ""})()
    needles = identity_needles([party])
    assert redact_text("Tôi là Võ Y, ở phường Hoàn Kiếm", needles) == f"Tôi là {MASK}, ở phường Hoàn Kiếm"
    assert redact_text("Ông Võ Yên đến trụ sở", needles) == "Ông Võ Yên đến trụ sở"  # not inside a word
    three = type(
        "P", (), {"full_name": "Phạm Minh Tuấn", "national_id": "", "address": "", "phone": "", "email": ""}
    )()
    assert MASK in redact_text("anh Minh Tuấn gửi đơn", identity_needles([three]))
    tiny = type("P", (), {"full_name": "A", "national_id": "", "address": "", "phone": "12", "email": ""})()
    assert redact_text("Phòng A tầng 12", identity_needles([tiny])) == "Phòng A tầng 12"
