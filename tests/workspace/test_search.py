"""Workspace search: short references, a CCCD number through the blind index and a sender's name
(accents folded) for staff who may see identity only; numbers never reach the full-text engine."""

from cases.models import Role

from .conftest import make_case


def _found(client, q):
    response = client.get("/admin/cases/", {"q": q})
    assert response.status_code == 200
    return {c.reference for c in response.context["object_list"]}


def test_short_reference_forms(world, login):
    case = make_case(world)
    number = int(case.reference.rsplit("-", 1)[1])
    client = login(world.user(Role.INSPECTOR))
    year = case.reference.split("-")[1]
    for q in (str(number), f"{number:06d}", f"{year}-{number}", case.reference.lower()):
        assert _found(client, q) == {case.reference}, q
    assert _found(client, str(number + 500)) == set()


def test_national_id_and_name_only_for_those_who_may_see_identity(world, login):
    case = make_case(world, person={"full_name": "Nguyễn Văn An", "national_id": "001085012345"})
    make_case(world, person={"full_name": "Lê Thị Hoa", "national_id": "001199000111"})
    head = login(world.user(Role.HEAD_OF_UNIT))
    assert _found(head, "001085012345") == {case.reference}
    assert _found(head, "001 085 012 345") == {case.reference}
    assert _found(head, "nguyen van an") == {case.reference}
    assert _found(head, "Nguyễn Văn An") == {case.reference}
    # Inspectors and auditors do not hold the identity permission; other agencies are out of scope.
    for role, tree in ((Role.INSPECTOR, "hn"), (Role.AUDITOR, "hn"), (Role.HEAD_OF_UNIT, "hp")):
        client = login(world.user(role, tree))
        assert _found(client, "001085012345") == set(), role
        assert case.reference not in _found(client, "nguyen van an"), role
