"""The role × authority × view matrix (issue 16, findings 3 and 4): every staff role at city,
department and ward level, plus a staff member accused in a case and the members of an accused
unit, against every staff read of a case — the list, the page, an attachment, its preview, the
duplicate finder, the export, the oversight search and the identity reveal.

One rule decides (``cases.scope``): a role sees its authority's sub-tree (auditors everything,
read-only); the accused, the accused unit and anyone bearing the accused's name see nothing of the
case, whatever their role (Law on Denunciations 2018 Arts 47, 56). The expected answers are
computed here from that rule written out independently, so a view that asks anything else shows
up as a row of the mismatch table."""

from __future__ import annotations

import pytest

from cases import services
from cases.actors import Citizen
from cases.models import Attachment, Case, Party, Role
from cases.roles import membership_grant
from tests.factories import UserFactory

from .conftest import PERSON, refused

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROLES = [
    Role.INTAKE,
    Role.INSPECTOR,
    Role.HEAD_OF_UNIT,
    Role.HEAD_OF_AGENCY,
    Role.AUDITOR,
    Role.ADMINISTRATOR,
]
IDENTITY_ROLES = {Role.INTAKE, Role.HEAD_OF_UNIT, Role.HEAD_OF_AGENCY, Role.ADMINISTRATOR}
OVERSIGHT_ROLES = {Role.HEAD_OF_UNIT, Role.HEAD_OF_AGENCY, Role.AUDITOR}
EXPORT_ROLES = {Role.HEAD_OF_AGENCY, Role.AUDITOR}


def _submit(authority, subject, **kw) -> Case:
    return services.case_submit(
        kind="denunciation",
        subject=subject,
        description="Nội dung tố cáo: đề nghị xem xét theo quy định.",
        parties=[services.PartyInput(**PERSON)],
        authority=authority,
        actor=Citizen.filing(),
        files=[services.FileInput(name="chung-cu.pdf", content=PDF, content_type="application/pdf")],
        **kw,
    ).case


def _expected_visible(role: str, member_path: str, user, case: Case) -> bool:
    """The rule, written out on its own."""
    if case.accused_user_id == user.pk:
        return False
    if case.accused_authority_id and member_path.startswith(case.accused_authority.path):
        return False
    if role == Role.AUDITOR:
        return True
    return case.authority.path.startswith(member_path)


@pytest.mark.django_db
def test_every_staff_read_asks_one_scope_rule(world, client):
    levels = {"city": world.hn, "department": world.hn_sxd, "ward": world.hn_ward}
    people = []
    for level, authority in levels.items():
        for role in ROLES:
            user = UserFactory(username=f"m_{level}_{role}", first_name="Cán bộ", last_name=f"{level} {role}")
            membership_grant(user=user, authority=authority, role=role)
            people.append((f"{role}@{level}", role, authority.path, user))
    # A city head of agency who is the staff member accused in one case: excluded from it alone.
    accused = UserFactory(username="m_accused", first_name="Văn X", last_name="Nguyễn")
    membership_grant(user=accused, authority=world.hn, role=Role.HEAD_OF_AGENCY)
    people.append(("head_of_agency@city (accused)", Role.HEAD_OF_AGENCY, world.hn.path, accused))
    # An auditor whose name is the accused's in another case (no account recorded there).
    namesake = UserFactory(username="m_namesake", first_name="Thị Y", last_name="Lê")
    membership_grant(user=namesake, authority=world.hn, role=Role.AUDITOR)
    people.append(("auditor@city (accused by name)", Role.AUDITOR, world.hn.path, namesake))

    cases = {
        "city": _submit(world.hn, "Tố cáo tại thành phố"),
        "department": _submit(world.hn_sxd, "Tố cáo tại sở"),
        "ward": _submit(world.hn_ward, "Tố cáo tại phường"),
        "other city": _submit(world.hp_sxd, "Tố cáo tại Hải Phòng"),
        "accused user": _submit(world.hn_sxd, "Tố cáo lãnh đạo", accused_name="Ông B"),
        "accused ward": _submit(world.hn, "Tố cáo UBND phường", accused_authority=world.hn_ward),
        "accused name": _submit(world.hn_sxd, "Tố cáo cán bộ", accused_name="  LÊ  Thị Y "),
    }
    # The accused account is recorded when the case is classified (the intake officer's service).
    c = cases["accused user"]
    services.case_classify(case=c, actor=world.user(Role.INTAKE), accused_user=accused)
    cases = {
        k: Case.objects.select_related("authority", "accused_authority").get(pk=v.pk)
        for k, v in cases.items()
    }

    mismatches = []
    for label, role, path, user in people:
        client.force_login(user)
        listing = client.get("/admin/cases/").content.decode()
        for where, case in cases.items():
            visible = _expected_visible(role, path, user, case)
            if label.endswith("(accused by name)") and where == "accused name":
                visible = False
            attachment = Attachment.objects.get(case=case)
            party = Party.objects.get(case=case)
            base = f"/admin/cases/{case.reference}/"
            hidden = 404

            def check(view, response, expect, label=label, where=where):
                got = response.status_code
                ok = (got == expect) if expect != "refused" else refused(response)
                if not ok:
                    mismatches.append(f"{label:32} {where:13} {view:10} expected {expect}, got {got}")

            check("page", client.get(base), 200 if visible else hidden)
            # A denouncer's own letter carries their identity (Art 56(2)): only identity roles open it.
            file_ok = 200 if role in IDENTITY_ROLES or not attachment.contains_identity else "refused"
            check(
                "attachment",
                client.get(f"{base}attachments/{attachment.pk}/file/"),
                file_ok if visible else hidden,
            )
            check(
                "preview", client.get(f"{base}attachments/{attachment.pk}/"), file_ok if visible else hidden
            )
            check("duplicates", client.get(f"{base}duplicates/"), 200 if visible else hidden)
            check(
                "export",
                client.get(f"/admin/cases/{case.reference}/export.json"),
                (200 if role in EXPORT_ROLES else "refused") if visible else hidden,
            )
            check(
                "identity",
                client.get(f"{base}parties/{party.pk}/reveal/"),
                (200 if role in IDENTITY_ROLES else "refused") if visible else hidden,
            )
            if (case.reference in listing) != visible:
                mismatches.append(f"{label:32} {where:13} list       expected {visible}")
            search = client.get("/admin/oversight/search/", {"q": case.reference})
            if role in OVERSIGHT_ROLES:
                # The query is echoed in the search box: a hit is a link to the case page.
                found = search.status_code == 200 and base in search.content.decode()
                if found != visible:
                    mismatches.append(f"{label:32} {where:13} search     expected {visible}, got {found}")
            elif search.status_code != 403:
                mismatches.append(f"{label:32} {where:13} search     expected 403, got {search.status_code}")
    assert not mismatches, "\n" + "\n".join(mismatches)
