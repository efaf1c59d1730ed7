"""The working-day calendar in the database: import_holidays, compute_deadline, recomputation of
open deadlines when the calendar changes, and unconfirmed days (read per bearer: the agency's limits
end earlier, the citizen's later)."""

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from cases import calendar_services
from cases.deadline_services import deadlines_complete, working_calendar
from cases.errors import PermissionDeniedError
from cases.events import chain_verify
from cases.models import Case, CaseEvent, Deadline, Holiday
from tests.cases.test_services import at, submit

ROOT = Path(settings.BASE_DIR)
SHIPPED_CSV = ROOT / "cases" / "data" / "holidays_vn_2025_2027.csv"
SHIPPED_ROWS = 47
HEADER = "date,kind,name,source,confirmed\n"


def run(command: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def csv_file(tmp_path: Path, body: str, header: str = HEADER, name: str = "calendar.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def holiday_rows() -> list[tuple]:
    return list(Holiday.objects.order_by("date").values_list("date", "kind", "name", "source", "confirmed"))


def change_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(("Thêm /", "Sửa /", "Xoá /"))]


def manage_py(*args: str) -> subprocess.CompletedProcess:
    """The real command line, against the test database (only for paths that write nothing)."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    return subprocess.run(
        # --skip-checks: this exercises the command and its exit status, not the whole URLconf.
        [sys.executable, str(ROOT / "manage.py"), args[0], "--skip-checks", *args[1:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def shipped_calendar(db):
    run("import_holidays", SHIPPED_CSV)


# ------------------------------------------------------------------------------------ import


def test_import_adds_every_row_then_a_second_run_changes_nothing(db):
    out, _ = run("import_holidays", SHIPPED_CSV)
    lines = change_lines(out)
    assert len(lines) == SHIPPED_ROWS and all(line.startswith("Thêm / added:") for line in lines)
    assert f"Added {SHIPPED_ROWS}, changed 0, removed 0; 0 unchanged" in out
    assert Holiday.objects.count() == SHIPPED_ROWS
    culture_day = Holiday.objects.get(date=dt.date(2026, 11, 24))
    assert (culture_day.kind, culture_day.confirmed) == ("holiday", False)
    assert "chưa xác minh" in culture_day.source  # staff read the doubt in the source column
    assert Holiday.objects.get(date=dt.date(2026, 2, 16)).confirmed is True
    holiday_type = ContentType.objects.get_for_model(Holiday)
    audit = ModelLogEntry.objects.filter(content_type=holiday_type)
    assert audit.filter(action="wagtail.create").count() == SHIPPED_ROWS

    before = holiday_rows()
    version = working_calendar().version
    out, _ = run("import_holidays", SHIPPED_CSV)
    assert change_lines(out) == []
    assert f"No changes: all {SHIPPED_ROWS} rows already match" in out
    assert f"calendar version unchanged: {version}" in out
    assert holiday_rows() == before
    assert audit.count() == SHIPPED_ROWS  # nothing written, not even an audit row


def test_import_prints_one_line_per_change_and_leaves_the_rest(db, tmp_path):
    run("import_holidays", SHIPPED_CSV)
    text = SHIPPED_CSV.read_text(encoding="utf-8")
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines, start=1) if line.startswith("2026-11-24,"))
    culture = lines[row - 1]
    assert culture.endswith(",false")
    confirmed = "2026-11-24,holiday,Ngày Văn hóa Việt Nam (thứ Ba),Nghị quyết (test),true"
    path = tmp_path / "confirmed.csv"
    path.write_text(text.replace(culture, confirmed), encoding="utf-8")
    version = working_calendar().version

    out, _ = run("import_holidays", path)

    lines = change_lines(out)
    assert len(lines) == 1
    assert lines[0].startswith("Sửa / changed: 2026-11-24 holiday")
    assert "confirmed false → true" in lines[0] and f"(dòng / row {row})" in lines[0]
    assert f"changed 1, removed 0; {SHIPPED_ROWS - 1} unchanged" in out
    assert Holiday.objects.get(date=dt.date(2026, 11, 24)).confirmed is True
    # A confirmed day off is now used: the calendar version moves.
    assert f"calendar version: {version} → {working_calendar().version}" in out
    assert not working_calendar().is_working_day(dt.date(2026, 11, 24))


def test_import_without_optional_columns_keeps_existing_source_and_flag(db, tmp_path):
    run("import_holidays", SHIPPED_CSV)
    path = csv_file(
        tmp_path,
        "2026-11-24,holiday,Ngày Văn hóa Việt Nam (thứ Ba)\n2026-06-01,holiday,Ngày thử\n",
        header="date,kind,name\n",
    )
    out, _ = run("import_holidays", path)
    assert [line.split(":")[0] for line in change_lines(out)] == ["Thêm / added"]
    culture_day = Holiday.objects.get(date=dt.date(2026, 11, 24))
    assert culture_day.confirmed is False and culture_day.source.startswith("Nghị quyết 80-NQ/TW")
    assert Holiday.objects.get(date=dt.date(2026, 6, 1)).confirmed is True


def test_dry_run_writes_nothing_but_says_what_would_change(world, tmp_path):
    result = submit(world, received_at=at(2026, 3, 10))
    deadline = Deadline.objects.get(case=result.case, rule_code="K3")
    rows_before, events_before = holiday_rows(), CaseEvent.objects.count()
    path = csv_file(tmp_path, "2026-03-16,holiday,Ngày nghỉ đột xuất (test),Quyết định (test),true\n")

    out, _ = run("import_holidays", path, "--dry-run")

    assert out.splitlines()[0].startswith("[Chạy thử / dry run]")
    assert change_lines(out) == [
        "Thêm / added: 2026-03-16 holiday «Ngày nghỉ đột xuất (test)» (dòng / row 2)"
    ]
    assert "Would add 1, change 0, remove 0; 0 unchanged." in out
    assert "Checked 1 open deadline(s); 1 in 1 case(s) would move." in out
    assert holiday_rows() == rows_before
    assert CaseEvent.objects.count() == events_before
    deadline.refresh_from_db()
    assert deadline.due_date == dt.date(2026, 3, 24)
    assert not ModelLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Holiday)).exists()


BAD_ROWS = [
    ("2026-02-30,holiday,Ngày sai,,true\n", "invalid date '2026-02-30'"),
    ("02/03/2026,holiday,Ngày sai định dạng,,true\n", "invalid date '02/03/2026'"),
    ("2026-03-02,festival,Lễ hội,,true\n", "unknown kind 'festival'"),
    ("2026-03-04,makeup_workday,Làm bù thứ Tư,,true\n", "make-up working day 2026-03-04 is a Wednesday"),
    ("2026-03-07,compensatory,Nghỉ bù thứ Bảy,,true\n", "is a Saturday, already a weekend day off"),
    ("2026-04-26,holiday,Giỗ Tổ (lặp),,true\n", "duplicate date 2026-04-26 (also on row 2)"),
    (
        "2026-04-26,makeup_workday,Làm bù Chủ nhật,,true\n",
        "both a day off and a make-up working day (see row 2)",
    ),
    ("2026-03-02,holiday,,,true\n", "the name is empty"),
    ("2026-03-02,holiday,Ngày thử,,maybe\n", "confirmed must be true or false, not 'maybe'"),
    ("2026-03-02,holiday,Ngày thử,true\n", "4 cells, the header has 5"),
]


@pytest.mark.parametrize(("bad_row", "reason"), BAD_ROWS)
def test_a_bad_row_writes_nothing_and_names_the_row(db, tmp_path, bad_row, reason):
    Holiday.objects.create(date=dt.date(2026, 5, 1), kind="holiday", name="Quốc tế lao động", source="")
    before = holiday_rows()
    good = "2026-04-26,holiday,Giỗ Tổ Hùng Vương (Sunday),Labour Code,true\n"
    changed = "2026-05-01,holiday,Ngày Quốc tế lao động,Labour Code 45/2019/QH14 Art 112(1),true\n"
    path = csv_file(tmp_path, good + bad_row + changed)

    with pytest.raises(CommandError, match="nothing was written"):
        out, err = StringIO(), StringIO()
        call_command("import_holidays", str(path), stdout=out, stderr=err)

    errors = err.getvalue().splitlines()
    assert len(errors) == 1 and errors[0].startswith("Dòng 3 / row 3: ")
    assert reason in errors[0]
    assert out.getvalue() == ""
    assert holiday_rows() == before  # neither the good rows nor the change to 1/5 were written


def test_missing_or_unknown_columns_are_refused(db, tmp_path):
    path = csv_file(tmp_path, "2026-03-02,holiday\n", header="date,kind\n")
    with pytest.raises(CommandError):
        run("import_holidays", path)
    path = csv_file(tmp_path, "2026-03-02,holiday,Ngày thử,false\n", header="date,kind,name,confimred\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_holidays", str(path), stdout=StringIO(), stderr=err)
    assert "Dòng 1 / row 1" in err.getvalue() and "unknown column(s) 'confimred'" in err.getvalue()
    assert Holiday.objects.count() == 0


def test_a_bad_file_exits_non_zero_on_the_command_line(db, tmp_path):
    path = csv_file(tmp_path, "2026-03-02,holiday,Ngày thử,,true\n2026-03-05,makeup_workday,Làm bù,,true\n")
    proc = manage_py("import_holidays", str(path))
    assert proc.returncode == 1
    assert "Dòng 3 / row 3: " in proc.stderr and "is a Thursday, not a Saturday or Sunday" in proc.stderr
    assert "CommandError" in proc.stderr
    assert proc.stdout == ""
    assert Holiday.objects.count() == 0


def test_prune_removes_days_of_the_covered_years_that_the_file_no_longer_lists(db, tmp_path):
    run("import_holidays", SHIPPED_CSV)
    lines = SHIPPED_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    without_culture_day_2026 = [line for line in lines if not line.startswith("2026-11-24")]
    path = tmp_path / "pruned.csv"
    path.write_text("".join(without_culture_day_2026), encoding="utf-8")

    out, _ = run("import_holidays", path)  # without --prune nothing is deleted
    assert "No changes" in out and Holiday.objects.filter(date=dt.date(2026, 11, 24)).exists()

    only_2026 = [lines[0]] + [line for line in without_culture_day_2026 if line.startswith("2026-")]
    path.write_text("".join(only_2026), encoding="utf-8")
    out, _ = run("import_holidays", path, "--prune")
    assert change_lines(out) == [
        "Xoá / removed: 2026-11-24 holiday «Ngày Văn hóa Việt Nam (thứ Ba)» [chưa xác nhận / unconfirmed]"
    ]
    assert Holiday.objects.count() == SHIPPED_ROWS - 1
    assert Holiday.objects.filter(date=dt.date(2027, 11, 24)).exists()  # 2027 is not in the file


# ----------------------------------------------------------------------------- compute_deadline


@pytest.mark.parametrize(
    ("args", "first_line", "expected"),
    [
        # 10 working days after Thu 12/02/2026 across Tết 16–20/02 (confirmed).
        (["K3", "2026-02-12"], "2026-03-05", ["counted: 10 ngày làm việc / working days", "21 ngày"]),
        # 30 days → Thu 30/04 Victory Day, Fri 1/5, weekend → Mon 04/05 (Civil Code Art 148(5)).
        (["K4", "2026-03-31"], "2026-05-04", ["rolled forward: 2026-04-30", "Art 148(5)"]),
        # Remote + complex ceiling 60 days (Law on Complaints Art 28), Vietnamese date format.
        (["K4", "31/03/2026", "--remote", "--complex"], "2026-06-01", ["limit: 60 ngày"]),
        # Complex denunciation, one 30-day extension (Law on Denunciations Art 30).
        (
            ["T4", "2026-03-02", "--complex", "--extensions", "1"],
            "2026-05-04",
            ["limit: 60 ngày", "including extensions of 30"],
        ),
        # Especially complex: two extensions, 30 and 15 days: 75 days → Sat 16/05 → Mon 18/05.
        (
            ["T4", "2026-03-02", "--especially-complex", "--extensions", "30,15"],
            "2026-05-18",
            ["limit: 75 ngày", "including extensions of 45", "rolled forward: 2026-05-16"],
        ),
        # 7 working days, suspended 3–5/03 (3 working days not counted).
        (
            ["T1", "2026-03-02", "--paused", "2026-03-03:2026-03-05"],
            "2026-03-16",
            ["paused: 3 ngày làm việc không tính", "(2026-03-03:2026-03-05)"],
        ),
        (["R4", "2026-03-02"], "2026-03-16", ["WARNING: quy tắc R4 chưa được xác nhận", "[U]"]),
        (["T4", "2027-12-15"], "2028-01-14", ["leaves the calendar's coverage", "provisional"]),
        # At least 5 days before a dialogue on 07/09: 02/09 is National Day, 01/09 the adjacent day
        # off and 31/08 swapped off (Notice 9441/TB-BNV) → back to Fri 28/08.
        (["K15", "2026-09-07"], "2026-08-28", ["rolled back: 2026-09-02"]),
        (["k3", "2026-03-10"], "2026-03-24", ["version of 2020-12-10", "Nghị định 124/2020"]),
        (["K3", "2026-07-01"], "2026-07-10", ["version of 2026-07-01", "limit: 7 ngày làm việc"]),
    ],
)
def test_compute_deadline_prints_the_due_date_first(shipped_calendar, args, first_line, expected):
    out, _ = run("compute_deadline", *args)
    lines = out.splitlines()
    assert lines[0] == first_line
    assert lines[1].startswith(f"Quy tắc / rule: {args[0].upper()} ")
    assert lines[2].startswith("Căn cứ pháp lý: ") and lines[3].startswith("Legal basis: ")
    assert any(
        line.startswith("Lịch / calendar: phiên bản / version " + working_calendar().version)
        for line in lines
    )
    for text in expected:
        assert text in out


def test_compute_deadline_warns_only_when_needed(shipped_calendar):
    out, _ = run("compute_deadline", "K3", "2026-02-12")
    assert "WARNING" not in out and "rolled" not in out and "paused" not in out
    # 30 calendar days across the unconfirmed compensatory day 27/04/2026: only the last day matters
    # (Sun 10/05 → Mon 11/05), so that day changes nothing and is not warned about.
    out, _ = run("compute_deadline", "K4", "2026-04-10")
    assert out.splitlines()[0] == "2026-05-11" and "WARNING" not in out


ERRORS = [
    (["K99", "2026-03-02"], ["Không có quy tắc thời hạn mã 'K99'", "Unknown deadline rule 'K99'"]),
    (["K16", "2026-03-02"], ["không có phiên bản hiệu lực", "has no version in force on 2026-03-02"]),
    (["K3", "2026-13-01"], ["Ngày bắt đầu '2026-13-01' không hợp lệ", "Invalid start date '2026-13-01'"]),
    (["K3", "yesterday"], ["không hợp lệ", "Invalid start date 'yesterday'"]),
    (["T1", "2026-03-02", "--paused", "2026-03-03-2026-03-05"], ["Khoảng tạm dừng", "Invalid pause"]),
    (["T1", "2026-03-02", "--paused", "2026-03-05:2026-03-03"], ["ends before it starts"]),
    (["T1", "2026-03-02", "--paused", "2026-03-03:"], ["Invalid pause '2026-03-03:'"]),
    (["T4", "2026-03-02", "--extensions", "1"], ["không được gia hạn", "a case that is not complex may not"]),
    (["T4", "2026-03-02", "--complex", "--extensions", "2"], ["at most 1 time(s)", "2 requested"]),
    (["T4", "2026-03-02", "--especially-complex", "--extensions", "31"], ["31 requested"]),
    (["K3", "2026-03-02", "--extensions", "1"], ["không cho phép gia hạn", "allows no extension"]),
    (
        ["T4", "2026-03-02", "--extensions", "abc"],
        ["--extensions 'abc' không hợp lệ", "Invalid --extensions"],
    ),
    (["K14", "2026-03-02"], ["không có thời hạn tính bằng số ngày", "no numeric time limit"]),
]


@pytest.mark.parametrize(("args", "messages"), ERRORS)
def test_compute_deadline_errors_are_bilingual(shipped_calendar, args, messages):
    with pytest.raises(CommandError) as exc:
        run("compute_deadline", *args)
    for message in messages:
        assert message in str(exc.value)


def test_compute_deadline_error_exits_non_zero_on_the_command_line():
    proc = manage_py("compute_deadline", "K99", "2026-03-02")
    assert proc.returncode == 1
    assert "Unknown deadline rule 'K99'" in proc.stderr and proc.stdout == ""


# ------------------------------------------------------------------------ the calendar changes


def test_a_holiday_added_later_moves_the_open_deadline_and_keeps_the_original(
    world, tmp_path, django_capture_on_commit_callbacks
):
    result = submit(world, received_at=at(2026, 3, 10))  # Tuesday
    case = result.case
    # K3: 10 working days after Tue 10/03/2026 → Tue 24/03/2026.
    k3 = Deadline.objects.get(case=case, rule_code="K3")
    assert (k3.original_due_date, k3.due_date) == (dt.date(2026, 3, 24), dt.date(2026, 3, 24))
    old_version = k3.calendar_version
    events_before = case.events.count()
    path = csv_file(tmp_path, "2026-03-16,holiday,Ngày nghỉ đột xuất (test),Quyết định (test),true\n")

    with django_capture_on_commit_callbacks() as callbacks:
        out, _ = run("import_holidays", path)

    assert "Checked 1 open deadline(s); 1 in 1 case(s) moved." in out
    k3.refresh_from_db()
    assert k3.due_date == dt.date(2026, 3, 25)  # one working day later
    assert k3.original_due_date == dt.date(2026, 3, 24)
    assert k3.calendar_version != old_version
    assert k3.calendar_version == working_calendar().version
    assert k3.history.first().history_change_reason == "calendar changed"
    case = Case.objects.get(pk=case.pk)
    assert case.next_due_at == k3.due_at
    assert case.events.count() == events_before + 1
    event = case.events.order_by("-seq").first()
    assert event.kind == "deadline.recomputed"
    assert event.data["deadlines"] == [
        {"rule": "K3", "from": "2026-03-24", "to": "2026-03-25", "original": "2026-03-24"}
    ]
    assert event.data["calendar_version"] == k3.calendar_version
    assert chain_verify([case.pk]).ok
    assert len(callbacks) == 1  # the search document is refreshed after the commit


def test_a_deadline_already_met_late_stays_missed_when_the_calendar_changes(world, tmp_path):
    late = submit(world, received_at=at(2026, 3, 10)).case
    on_time = submit(world, received_at=at(2026, 3, 10)).case
    assert deadlines_complete(late, at=at(2026, 3, 25, 10)) == 1  # due 24/03, done on 25/03
    assert deadlines_complete(on_time, at=at(2026, 3, 24, 16)) == 1
    late_k3 = Deadline.objects.get(case=late, rule_code="K3")
    assert (late_k3.state, late_k3.missed) == (Deadline.State.MET, True)
    assert Deadline.objects.get(case=on_time, rule_code="K3").missed is False

    # A day off added later inside the period would have made 25/03 on time, but a met deadline is
    # history: it is not recomputed and stays missed.
    path = csv_file(tmp_path, "2026-03-16,holiday,Ngày nghỉ đột xuất (test),Quyết định (test),true\n")
    out, _ = run("import_holidays", path)
    assert "Checked 0 open deadline(s)" in out
    late_k3.refresh_from_db()
    assert (late_k3.due_date, late_k3.missed, late_k3.state) == (dt.date(2026, 3, 24), True, "met")


def test_an_unconfirmed_day_off_makes_the_agencys_limit_provisional_until_confirmed(world, tmp_path):
    k3 = Deadline.objects.get(case=submit(world, received_at=at(2026, 3, 10)).case, rule_code="K3")
    path = csv_file(tmp_path, "2026-03-16,holiday,Ngày nghỉ dự kiến (test),chưa có văn bản,false\n")

    out, _ = run("import_holidays", path)

    # The agency's limit reads the unconfirmed Monday as worked: the date stays, but it now rests on
    # that day, so it is provisional and names it.
    assert "Checked 1 open deadline(s); 0 in 0 case(s) moved" in out
    k3.refresh_from_db()
    assert (k3.due_date, k3.unconfirmed_days) == (dt.date(2026, 3, 24), ["2026-03-16"])
    assert working_calendar("agency").is_working_day(dt.date(2026, 3, 16))
    assert not working_calendar("citizen").is_working_day(dt.date(2026, 3, 16))
    out, _ = run("compute_deadline", "K3", "2026-03-10")
    assert out.splitlines()[0] == "2026-03-24"
    assert "(2026-03-16)" in out and "the other reading gives 2026-03-25" in out

    # The administrator verifies the notice and confirms the row: the deadline moves.
    admin = world.user("administrator")
    admin.is_superuser = True
    admin.save()
    report = calendar_services.holiday_save(
        actor=admin,
        holiday=Holiday.objects.get(date=dt.date(2026, 3, 16)),
        date=dt.date(2026, 3, 16),
        kind="holiday",
        name="Ngày nghỉ (test)",
        source="Quyết định (test)",
        confirmed=True,
    )
    assert [c.fields for c in report.changed] == [
        (
            ("name", "Ngày nghỉ dự kiến (test)", "Ngày nghỉ (test)"),
            ("source", "chưa có văn bản", "Quyết định (test)"),
            ("confirmed", False, True),
        )
    ]
    assert report.recompute["moved"] == 1
    k3.refresh_from_db()
    assert (k3.due_date, k3.original_due_date) == (dt.date(2026, 3, 25), dt.date(2026, 3, 24))
    assert k3.unconfirmed_days == []
    log = ModelLogEntry.objects.get(
        action="wagtail.edit", object_id=str(Holiday.objects.get(date="2026-03-16").pk)
    )
    assert log.user_id == admin.pk


def test_unconfirmed_days_in_the_shipped_calendar(shipped_calendar):
    culture_day = dt.date(2026, 11, 24)
    agency, citizen = working_calendar("agency"), working_calendar("citizen")
    assert agency.version != citizen.version
    assert agency.is_working_day(culture_day) and not citizen.is_working_day(culture_day)
    out, _ = run("compute_deadline", "R1", "2026-11-20")
    assert out.splitlines()[0] == "2026-12-04"
    assert "(2026-11-24)" in out and "the other reading gives 2026-12-07" in out
    assert "unconfirmed days off count as working days (a limit the agency must meet)" in out
    out, _ = run("compute_deadline", "R1", "2026-11-20", "--reading", "citizen")
    assert out.splitlines()[0] == "2026-12-07"
    assert "the other reading gives 2026-12-04" in out
    out, _ = run("compute_deadline", "R1", "2026-03-02")  # no unconfirmed day in the span
    assert "PROVISIONAL" not in out


def test_only_calendar_managers_may_change_the_calendar(world):
    inspector = world.user("inspector")
    with pytest.raises(PermissionDeniedError):
        calendar_services.holiday_save(
            actor=inspector, date=dt.date(2026, 3, 16), kind="holiday", name="Ngày nghỉ (test)"
        )
    with pytest.raises(PermissionDeniedError):
        calendar_services.holidays_import([], actor=inspector)
    assert not Holiday.objects.filter(date=dt.date(2026, 3, 16)).exists()
    admin = world.user("administrator")
    admin.is_superuser = True
    admin.save()
    report = calendar_services.holiday_save(
        actor=admin, date=dt.date(2026, 3, 16), kind="holiday", name="Ngày nghỉ (test)"
    )
    assert [c.date for c in report.added] == [dt.date(2026, 3, 16)]


def test_confirming_a_day_recomputes_and_clears_the_provisional_mark(world, tmp_path):
    Holiday.objects.filter(date=dt.date(2026, 11, 24)).update(confirmed=False)
    k3 = Deadline.objects.get(case=submit(world, received_at=at(2026, 11, 20)).case, rule_code="K3")
    # K3 from 01/07/2026: 7 working days after Fri 20/11, with 24/11 (unconfirmed) worked → Tue 01/12.
    assert (k3.due_date, k3.unconfirmed_days) == (dt.date(2026, 12, 1), ["2026-11-24"])
    empty = csv_file(tmp_path, "")
    out, _ = run("import_holidays", empty)
    assert "No changes" in out and "Checked" not in out  # nothing changed: nothing recomputed
    confirmed = csv_file(tmp_path, "2026-11-24,holiday,Ngày Văn hoá Việt Nam,Thông báo (test),true\n")
    out, _ = run("import_holidays", confirmed)
    assert "1 in 1 case(s) moved." in out
    k3.refresh_from_db()
    assert (k3.due_date, k3.original_due_date) == (dt.date(2026, 12, 2), dt.date(2026, 12, 1))
    assert k3.unconfirmed_days == []


def test_the_admin_forms_get_the_same_day_rules(db):
    from django.core.exceptions import ValidationError as FormError

    with pytest.raises(FormError, match="make-up working day 2026-03-04 is a Wednesday"):
        Holiday(date=dt.date(2026, 3, 4), kind="makeup_workday", name="Làm bù").full_clean()
    with pytest.raises(FormError, match="is a Sunday, already a weekend day off"):
        Holiday(date=dt.date(2026, 3, 8), kind="compensatory", name="Nghỉ bù").full_clean()
    Holiday(date=dt.date(2026, 3, 7), kind="makeup_workday", name="Làm bù").full_clean()
