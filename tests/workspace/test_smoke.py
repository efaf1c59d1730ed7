from cases.models import Role

from .conftest import accepted, make_case


def test_pages_render(world, login):
    case = make_case(world, "denunciation")
    acc = accepted(world)
    head = world.user(Role.HEAD_OF_UNIT)
    c = login(head)
    for url in [
        "/admin/cases/",
        "/admin/cases/mine/",
        "/admin/cases/triage/",
        "/admin/cases/due-soon/",
        "/admin/cases/overdue/",
        f"/admin/cases/{case.reference}/",
        f"/admin/cases/{acc.reference}/",
        f"/admin/cases/{case.reference}/duplicates/",
        "/admin/cases/results/?q=thu",
        "/admin/",
    ]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code, r.content[:3000])
    for slug in ["accept", "reject", "transfer", "classify"]:
        r = login(world.user(Role.INTAKE)).get(f"/admin/cases/{case.reference}/action/{slug}/")
        assert r.status_code == 200, (slug, r.content[:2000])
