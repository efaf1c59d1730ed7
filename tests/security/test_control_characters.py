"""Finding 10: control characters (\\x0b, \\x1b, \\x07 …) are refused at every door with a clear
message — the public wizard, the API, the workspace forms, the services — and a generated DOCX is
valid XML whatever reaches it."""

import io
import json
import zipfile
from xml.etree import ElementTree

import pytest

from cases import services
from cases.actors import Citizen
from cases.documents import build_docx
from cases.errors import ValidationError
from cases.models import Case, CaseEvent, Role
from tests.workspace.conftest import PERSON, make_case

pytestmark = pytest.mark.django_db
MESSAGE = "ký tự điều khiển không hiển thị được"


@pytest.mark.parametrize("char", ["\x0b", "\x1b", "\x07"])
def test_the_services_refuse_control_characters_in_a_letter(world, char):
    for field in ("subject", "description", "accused_name", "accused_position"):
        kwargs = {
            "kind": "denunciation",
            "subject": "Tố cáo",
            "description": "Nội dung",
            "parties": [services.PartyInput(**PERSON)],
            "authority": world.hn_sxd,
            "actor": Citizen.filing(),
        }
        kwargs[field] = f"Ông A{char}B"
        with pytest.raises(ValidationError) as err:
            services.case_submit(**kwargs)
        assert MESSAGE in " ".join(" ".join(v) for v in err.value.field_errors.values())
    party = {**PERSON, "full_name": f"Trần{char} Bình"}
    with pytest.raises(ValidationError):
        services.case_submit(
            kind="complaint",
            subject="K",
            description="N",
            contested_act="QĐ 1",
            parties=[services.PartyInput(**party)],
            authority=world.hn_sxd,
            actor=Citizen.filing(),
        )
    assert not Case.objects.exists()


def test_the_reveal_reason_refuses_control_characters(world):
    case = make_case(world)
    with pytest.raises(ValidationError):
        services.party_identity_reveal(
            user=world.user(Role.HEAD_OF_AGENCY), party=case.parties.first(), reason="Xác minh\x1b[31m"
        )


def test_the_public_api_answers_400_with_the_message(client, world):
    from tests.publicsite.conftest import complaint_payload

    payload = complaint_payload(description="Nội dung\x07 đơn")
    response = client.post("/api/v1/cases/", json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert MESSAGE in json.dumps(response.json(), ensure_ascii=False)
    assert not Case.objects.exists()


def test_the_public_wizard_shows_the_message_on_the_field(client, world):
    from publicsite.setup import ensure_site
    from tests.publicsite.conftest import Citizen as Wizard

    ensure_site()
    wizard = Wizard(client)
    wizard.choose("complaint")
    wizard.identify()
    response = wizard.describe(subject="Khiếu nại\x1b quyết định")
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()


def test_the_workspace_note_form_refuses_them(world, client):
    from cases.roles import ensure_role_groups

    ensure_role_groups()
    case = make_case(world)
    client.force_login(world.user(Role.INTAKE))
    response = client.post(
        f"/admin/cases/{case.reference}/action/note/",
        {"text": "Ghi chú\x0b nội bộ", "visibility": "internal"},
    )
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert not CaseEvent.objects.filter(case=case, kind="note.added").exists()


def test_a_generated_docx_is_valid_xml_whatever_reaches_it():
    content = build_docx(
        header={
            "issuer_parent": "UBND\x0b",
            "issuer": "Sở\x1b",
            "number": "1\x1b/TB",
            "dateline": "Hà Nội\x07",
        },
        body="Ông\x0b A\n\x1bB",
        form="Mẫu\x00",
        recipient="Bà\x07 C",
    )
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        ElementTree.fromstring(zf.read("word/document.xml"))  # noqa: S314  (our own file; raises if invalid)
