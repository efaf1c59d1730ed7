"""The home page of each role: its tiles count what the lists they link to show, the heads see the
overdue cases per person and the last escalation sweep, and nobody sees Wagtail's page dashboard."""

import datetime as dt
import re

from django.utils import timezone

from cases import services
from cases.models import Role

from .conftest import accepted, fresh, make_case


def _listed(client, url) -> int:
    """The number of cases the list at ``url`` shows (its paginator count)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["paginator"].count if response.context.get("paginator") else 0


def _tiles(html: str) -> dict[str, tuple[int, str]]:
    found = {}
    for href, key, count in re.findall(
        r'<a class="kntc-tile[^"]*" href="([^"]+)" data-tile="([^"]+)">\s*'
        r'<span class="kntc-tile-count" data-testid="count">(\d+)</span>',
        html,
    ):
        found[key] = (int(count), href.replace("&amp;", "&"))
    return found


def _overdue(case):
    case = fresh(case)
    case.next_due_at = timezone.now() - dt.timedelta(days=3)
    case._change_reason = "test"
    case.save(update_fields=["next_due_at"])
    return case


def test_every_tile_of_every_role_counts_its_list(world, login):
    inspector = world.user(Role.INSPECTOR)
    mine = accepted(world)  # assigned to the inspector, accepted: waiting for verification
    _overdue(mine)
    unassigned = accepted(world, kind="complaint", assign=False)
    _overdue(unassigned)
    proposed = make_case(world)
    services.case_classify(case=proposed, actor=world.user(Role.INTAKE), complexity="normal")
    make_case(world)
    make_case(world, tree="hp")  # another agency: never counted
    for role, sections in (
        (Role.INTAKE, {"intake"}),
        (Role.INSPECTOR, {"inspector"}),
        (Role.HEAD_OF_UNIT, {"unit"}),
        (Role.HEAD_OF_AGENCY, {"agency"}),
        (Role.AUDITOR, {"auditor"}),
    ):
        client = login(world.user(role))
        response = client.get("/admin/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Search all pages" not in html and "Tìm kiếm tất cả các trang" not in html
        for key in sections:
            assert f'data-testid="home-{key}"' in html, (role, key)
        tiles = _tiles(html)
        assert tiles, role
        for key, (count, url) in tiles.items():
            assert _listed(client, url) == count, (role, key, url)
    # What the counts are, for the inspector and the head.
    tiles = _tiles(login(inspector).get("/admin/").content.decode())
    assert tiles["mine"][0] == 1 and tiles["mine_overdue"][0] == 1 and tiles["mine_waiting"][0] == 1
    tiles = _tiles(login(world.user(Role.HEAD_OF_UNIT)).get("/admin/").content.decode())
    assert tiles["unassigned"][0] == 1 and tiles["proposed"][0] == 1 and tiles["overdue"][0] == 2


def test_head_sees_overdue_by_person_and_the_last_sweep(world, login):
    from cases.monitoring.services import escalation_sweep_recorded

    case = _overdue(accepted(world))
    head = world.user(Role.HEAD_OF_UNIT)
    client = login(head)
    html = client.get("/admin/").content.decode()
    assert "Chưa có lượt rà soát nào được ghi nhận." in html
    escalation_sweep_recorded()
    html = client.get("/admin/").content.decode()
    assert "Lần rà soát gần nhất" in html
    people = re.findall(r'<a href="([^"]+)" data-row-count="(\d+)">([^:]+):', html)
    assert people
    for href, count, _name in people:
        assert _listed(client, href.replace("&amp;", "&")) == int(count)
    assert case.reference


def test_assignment_lists_unit_workload_and_conflicts(world, login):
    from cases.roles import membership_grant
    from tests.factories import UserFactory

    case = accepted(world, kind="complaint", assign=False)
    accused = UserFactory(username="bi_to_cao", first_name="Bình", last_name="Trần Văn")
    membership_grant(user=accused, authority=world.hn_sxd, role=Role.INSPECTOR)
    case = fresh(case)
    case.accused_user = accused
    case._change_reason = "test"
    case.save(update_fields=["accused_user"])
    accepted(world)  # one open case for the inspector
    html = (
        login(world.user(Role.HEAD_OF_UNIT))
        .get(f"/admin/cases/{case.reference}/action/assign/")
        .content.decode()
    )
    inspector = world.user(Role.INSPECTOR)
    option = re.search(rf'<option value="{inspector.pk}"[^>]*>([^<]+)</option>', html).group(1)
    assert "Sở Xây dựng Hà Nội" in option and "1 hồ sơ đang xử lý" in option
    refused = re.search(rf'<option value="{accused.pk}"([^>]*)>([^<]+)</option>', html)
    assert "disabled" in refused.group(1) and "là người bị khiếu nại/tố cáo" in refused.group(2)
    assert "Trần Văn Bình" in html  # family name first


def test_one_timeline_entry_per_action_and_reveals_on_it(world, login):
    case = accepted(world, assign=False)
    head = world.user(Role.HEAD_OF_UNIT)
    client = login(head)
    client.post(
        f"/admin/cases/{case.reference}/parties/{case.parties.get().pk}/reveal/",
        {"reason": "Liên hệ người tố cáo để bổ sung"},
    )
    html = client.get(f"/admin/cases/{case.reference}/").content.decode()
    timeline = html[html.index('data-testid="timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert timeline.count("<strong>Thụ lý</strong>") == 1
    assert "Thay đổi hồ sơ" not in timeline  # the acceptance's diff is inside its entry
    assert "Đã thụ lý" in timeline  # status change shown within the acceptance
    assert "Xem nhân thân người gửi đơn" in timeline and "Liên hệ người tố cáo để bổ sung" in timeline


def test_duplicates_page_says_which_case_closes_and_clears(world, login):
    first = make_case(world, kind="denunciation")
    second = make_case(world, kind="denunciation")
    second = fresh(second)
    assert second.duplicate_suspected
    client = login(world.user(Role.INTAKE))
    html = client.get(f"/admin/cases/{second.reference}/duplicates/").content.decode()
    assert f"Gộp {second.reference} vào {first.reference}" in html
    preview = client.get(
        f"/admin/cases/{second.reference}/duplicates/{first.reference}/merge/"
    ).content.decode()
    assert (
        f"Hồ sơ {second.reference} sẽ kết thúc (gộp) và trỏ về hồ sơ {first.reference}; "
        f"hồ sơ {first.reference} tiếp tục được giải quyết."
    ) in preview
    response = client.post(
        f"/admin/cases/{second.reference}/duplicates/clear/",
        {"note": "Khác nội dung tố cáo", "version": second.version},
    )
    assert response.status_code == 302
    assert not fresh(second).duplicate_suspected
    assert second.reference not in {
        c.reference for c in client.get("/admin/cases/duplicates/").context["object_list"]
    }
