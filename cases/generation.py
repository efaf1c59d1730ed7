"""Deterministic synthetic cases at national scale, for benchmarks.

Shapes follow the legal brief, section 8 (Hà Nội and national figures): about half the letters are
petitions, complaints twice denunciations, roughly a third filed as ineligible, duplicate or
transferred, most older cases closed, a backlog of open ones; ~126 communes and ~20 departments.

Every case gets what the services would have written: the case row with its history records,
the party (identity encrypted), its hash-chained events and its deadlines with history. Rows go
in with PostgreSQL COPY (one transaction per batch), so a million cases take minutes; the chain
check (`verify_event_chain`) passes on the result."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from . import deadlines as engine
from .crypto import blind_index, encrypt, name_index
from .deadline_services import working_calendar
from .models import Authority, Case, CaseEvent, Deadline, Party, event_hash
from .models import CaseKind as K
from .models import CaseStatus as S

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
KIND_WEIGHTS = [(K.PETITION, 50), (K.COMPLAINT, 27), (K.DENUNCIATION, 14), (K.ANONYMOUS_REPORT, 9)]
SUBJECTS = {
    K.COMPLAINT: [
        "Khiếu nại quyết định thu hồi đất",
        "Khiếu nại mức bồi thường giải phóng mặt bằng",
        "Khiếu nại quyết định xử phạt hành chính",
        "Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất",
    ],
    K.DENUNCIATION: [
        "Tố cáo cán bộ nhận tiền khi giải quyết thủ tục",
        "Tố cáo lấn chiếm đất công",
        "Tố cáo sai phạm trong đấu thầu",
        "Tố cáo vi phạm trật tự xây dựng",
    ],
    K.PETITION: [
        "Kiến nghị sửa chữa đường giao thông",
        "Phản ánh ô nhiễm môi trường khu dân cư",
        "Kiến nghị về chính sách hỗ trợ tái định cư",
        "Phản ánh tiếng ồn công trình ban đêm",
    ],
    K.ANONYMOUS_REPORT: ["Tin báo vi phạm trật tự xây dựng", "Tin báo khai thác cát trái phép"],
}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Quang Dũng", "Thu Hà", "Đức Hải", "Thị Lan", "Văn Nam"]
RECEIPT = {K.COMPLAINT: "K3", K.DENUNCIATION: "T1", K.PETITION: "R4", K.ANONYMOUS_REPORT: "R4"}
RESOLUTION = {K.COMPLAINT: "K4", K.DENUNCIATION: "T4"}
OUTCOMES = {
    K.COMPLAINT: ["right", "partly_right", "wrong", "wrong"],
    K.DENUNCIATION: ["true", "partly_true", "false", "false"],
    K.PETITION: ["answered"],
    K.ANONYMOUS_REPORT: ["no_violation", "violation_found"],
}


@dataclass
class _Context:
    """What every generated case shares: the writer, id counters, calendar, rules, fixed values."""

    writer: _Writer
    ids: dict
    hist: dict
    hist_ids: dict
    anchor: dt.datetime
    span_days: float
    kinds: tuple
    weights: tuple
    auth_info: list
    cal: engine.WorkingCalendar
    rules: engine.RuleTable
    access_hash: str
    names: list
    id_numbers: list
    address: str
    prefix: str


@dataclass
class GenerationReport:
    cases: int
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0


def ensure_authorities() -> list[Authority]:
    """Hà Nội after 07/2025: the city, ~20 departments, 126 communes/wards (synthetic names)."""
    root, _ = Authority.objects.get_or_create(
        code="HN",
        defaults={
            "name_vi": "UBND Thành phố Hà Nội",
            "name_en": "Hanoi People's Committee",
            "level": Authority.Level.PROVINCIAL,
        },
    )
    made = []
    for i in range(1, 21):
        a, _ = Authority.objects.get_or_create(
            code=f"HN-S{i:02d}",
            defaults={
                "name_vi": f"Sở chuyên môn số {i}",
                "name_en": f"Department {i}",
                "level": Authority.Level.DEPARTMENT,
                "parent": root,
            },
        )
        made.append(a)
    for i in range(1, 127):
        a, _ = Authority.objects.get_or_create(
            code=f"HN-X{i:03d}",
            defaults={
                "name_vi": f"UBND xã/phường số {i}",
                "name_en": f"Commune {i}",
                "level": Authority.Level.COMMUNE,
                "parent": root,
                "remote_area": i % 17 == 0,
            },
        )
        made.append(a)
    return made


def _historical(model):
    # Accessing Model.history builds a manager each time: look the historical models up once.
    return model.history.model


def _columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


class _Writer:
    """Rows per table, flushed with COPY (PostgreSQL) or executemany (anything else)."""

    def __init__(self):
        self.tables: dict[str, tuple[list[str], list[tuple]]] = {}
        self.rows = 0

    def add(self, model, row: dict) -> None:
        table = model._meta.db_table
        if table not in self.tables:
            self.tables[table] = (_columns(model), [])
        cols, rows = self.tables[table]
        rows.append(tuple(map(row.get, cols)))

    def flush(self) -> None:
        with connection.cursor() as cur:
            for table, (cols, rows) in self.tables.items():
                if not rows:
                    continue
                self.rows += len(rows)
                if connection.vendor == "postgresql":
                    with cur.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(cols))
                    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})"  # noqa: S608 - names from model meta
                    cur.executemany(sql, rows)
                rows.clear()


def _next_ids(model, count: int) -> int:
    """First of ``count`` fresh primary keys; the sequence is moved past them afterwards."""
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")  # noqa: S608 - names from model meta
        return cur.fetchone()[0] + 1


def _reset_sequences(models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for model in models:
            table, pk = model._meta.db_table, model._meta.pk.column
            # Table and column names come from model meta, never from input.
            sql = f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), COALESCE((SELECT MAX({pk}) FROM {table}), 1))"  # noqa: E501, S608
            cur.execute(sql)


# Loads of at least this many cases drop the tables' secondary indexes and rebuild them at the end:
# maintaining ~70 b-trees row by row (random keys such as the event hash) is what made a million
# cases take half an hour; one sorted CREATE INDEX per index at the end is several times cheaper.
REBUILD_INDEXES_FROM = 100_000
_LOADED = (Case, Party, CaseEvent, Deadline)


def _drop_secondary_indexes(tables: list[str]) -> list[str]:
    """Drop the indexes of ``tables`` that back no constraint (the primary keys and unique
    constraints stay, so duplicates still fail); return their definitions for the rebuild."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        found = cur.fetchall()
        for name, _definition in found:
            cur.execute(f"DROP INDEX {name}")  # names from pg_index, never from input
    return [definition for _name, definition in found]


def _create_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '256MB'")
        for definition in definitions:
            cur.execute(definition)  # definitions from pg_get_indexdef


def generate_cases(
    *,
    count: int,
    seed: int,
    anchor: dt.datetime | None = None,
    years: float = 3.0,
    batch_size: int = 5000,
    prefix: str = "SYN",
    progress: Callable[[int, float], None] | None = None,
) -> GenerationReport:
    """Write ``count`` synthetic cases received over the ``years`` before ``anchor``."""
    started = timezone.now()
    anchor = (anchor or timezone.now()).astimezone(ICT)
    authorities = ensure_authorities()
    auth_info = [(a.pk, a.remote_area) for a in authorities]
    cal = working_calendar()
    rules = engine.load_rules()
    access_hash = hashlib.sha256(b"synthetic: no access key").hexdigest()
    # Encrypting every synthetic identity separately would dominate the run; a handful of
    # ciphertexts reused across cases keeps the column honest (encrypted) and the load fast.
    # (ciphertext, name digest) pairs: the workspace finds senders by name through the digest.
    names = [(encrypt(f"{f} {g}"), name_index(f"{f} {g}")) for f in FAMILY for g in GIVEN[:4]]
    id_numbers = [(encrypt(f"0010{n:08d}"), blind_index(f"0010{n:08d}")) for n in range(64)]
    address = encrypt("Hà Nội")
    ids = {m: _next_ids(m, count) for m in (Case, Party, CaseEvent, Deadline)}
    hist = {m: _historical(m) for m in (Case, Party, Deadline)}
    hist_ids = {m: _next_ids(hist[m], count) for m in (Case, Party, Deadline)}
    writer = _Writer()
    kinds, weights = zip(*KIND_WEIGHTS, strict=True)
    ctx = _Context(
        writer=writer,
        ids=ids,
        hist=hist,
        hist_ids=hist_ids,
        anchor=anchor,
        span_days=years * 365,
        kinds=kinds,
        weights=weights,
        auth_info=auth_info,
        cal=cal,
        rules=rules,
        access_hash=access_hash,
        names=names,
        id_numbers=id_numbers,
        address=address,
        prefix=prefix,
    )

    dropped: list[str] = []
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cur:
            # Synthetic rows: a crash loses only the last batches, and the run can be repeated.
            cur.execute("SET synchronous_commit = off")
        if count >= REBUILD_INDEXES_FROM:
            tables = [m._meta.db_table for m in (*_LOADED, *hist.values())]
            with transaction.atomic():
                dropped = _drop_secondary_indexes(tables)
    try:
        for start in range(0, count, batch_size):
            with transaction.atomic():
                for i in range(start, min(count, start + batch_size)):
                    rng = random.Random(seed * 1_000_003 + i)
                    _one_case(ctx, i, rng)
                writer.flush()
            if progress:
                progress(min(count, start + batch_size), (timezone.now() - started).total_seconds())
    finally:
        if dropped:
            _create_indexes(dropped)
        if postgres:
            with connection.cursor() as cur:
                cur.execute("RESET synchronous_commit")
    _reset_sequences([*_LOADED, *hist.values()])
    seconds = (timezone.now() - started).total_seconds()
    return GenerationReport(cases=count, rows=writer.rows, seconds=seconds)


def _one_case(ctx: _Context, i: int, rng: random.Random) -> None:
    w, ids, hist, hist_ids, cal, rules = ctx.writer, ctx.ids, ctx.hist, ctx.hist_ids, ctx.cal, ctx.rules
    anchor, span_days, prefix = ctx.anchor, ctx.span_days, ctx.prefix
    kinds, weights, auth_info = ctx.kinds, ctx.weights, ctx.auth_info
    access_hash, names, id_numbers, address = ctx.access_hash, ctx.names, ctx.id_numbers, ctx.address
    case_id = ids[Case] + i
    kind = rng.choices(kinds, weights)[0]
    age_days = rng.random() ** 1.6 * span_days  # more recent cases than old ones
    received = (anchor - dt.timedelta(days=age_days, minutes=rng.randint(0, 600))).replace(microsecond=0)
    authority_id, remote = auth_info[int(rng.random() ** 2 * len(auth_info))]
    reference = f"{prefix}-{received.year}-{case_id:07d}"
    # Older cases are mostly finished; recent ones still open.
    p_open = 0.9 if age_days < 20 else 0.35 if age_days < 90 else 0.08 if age_days < 365 else 0.02
    triage = rng.random()
    steps = ["received"]
    if triage < 0.30:
        steps.append(
            rng.choice(["rejected", "rejected", "transferred", "merged"])
            if kind != K.PETITION
            else rng.choice(["rejected", "transferred", "guided"])
        )
    elif rng.random() < p_open:
        steps += rng.choice(
            [[], ["accepted"], ["accepted", "verifying"], ["accepted", "verifying", "suspended"]]
        )
    else:
        steps += ["accepted", "verifying", "concluded", "closed"]
    complexity = "complex" if rng.random() < 0.15 else "normal"
    transfers = 1 if "transferred" in steps else (1 if rng.random() < 0.04 else 0)
    extensions = 1 if kind == K.DENUNCIATION and complexity == "complex" and "verifying" in steps else 0
    escalation = 0
    t = received
    events = []
    status: str = S.RECEIVED
    accepted_at = decided_at = closed_at = None
    outcome = reason_code = ""
    times = [received]
    for _step in steps[1:]:
        t = min(anchor - dt.timedelta(minutes=5), t + dt.timedelta(days=rng.uniform(1, 25)))
        times.append(t)
    prev = CaseEvent.GENESIS
    seq = 0
    history = []
    deadline_rows = []

    def event(kind_, at, visibility, data):
        nonlocal prev, seq
        seq += 1
        h = event_hash(
            case_id=case_id,
            seq=seq,
            kind=kind_,
            actor_id=None,
            actor_role="system",
            created_at=at,
            visibility=visibility,
            data=data,
            prev_hash=prev,
        )
        events.append(
            {
                "case_id": case_id,
                "seq": seq,
                "kind": kind_,
                "actor_id": None,
                "actor_role": "system",
                "created_at": at,
                "visibility": visibility,
                "data": json.dumps(data, ensure_ascii=False),
                "prev_hash": prev,
                "hash": h,
            }
        )
        prev = h

    def deadline(code, trigger_at, state, met_at=None):
        trigger = trigger_at.astimezone(ICT).date()
        try:
            rule = rules.get(code, trigger)
            due = engine.compute_due(
                rule,
                trigger,
                cal,
                complex=complexity == "complex",
                remote=remote,
                extensions=[30] * extensions if code == "T4" else 0,
            )
        except (engine.UnknownRule, engine.ExtensionNotAllowed):
            return None
        row = {
            "case_id": case_id,
            "rule_code": code,
            "rule_version": rule.valid_from,
            "title_vi": rule.title_vi[:255],
            "title_en": rule.title_en[:255],
            "legal_basis_vi": rule.legal_basis_vi[:500],
            "legal_basis_en": rule.legal_basis_en[:500],
            "unit": rule.unit,
            "limit_days": due.limit_days,
            "trigger_date": trigger,
            "original_due_date": due.due_date,
            "due_date": due.due_date,
            "due_at": due.due_at,
            "calendar_version": cal.version,
            "paused_intervals": "[]",
            "extensions": extensions if code == "T4" else 0,
            "extension_lengths": json.dumps([30] * extensions if code == "T4" else []),
            "state": state,
            "met_at": met_at,
            "missed": bool(met_at and met_at > due.due_at),
            "end_reason": "",
            "bearer": rule.bearer,
            "unconfirmed_days": "[]",
            "created_at": trigger_at,
        }
        deadline_rows.append(row)
        return row

    def complete_open(at, end_reason=""):
        for row in deadline_rows:
            if row["state"] == "open":
                if end_reason:  # merged, withdrawn...: the duty ended, it was not met
                    row["state"], row["met_at"], row["end_reason"] = "ended", at, end_reason
                else:
                    row["state"], row["met_at"], row["missed"] = "met", at, at > row["due_at"]

    event("case.received", received, "complainant", {"kind": kind, "channel": "online"})
    deadline(RECEIPT[kind], received, "open")
    for step, at in zip(steps[1:], times[1:], strict=True):
        status = step
        if step not in ("verifying", "suspended"):
            # acceptance answers the receipt deadline, a conclusion the resolution one; a merger ends them
            complete_open(at, "merged" if step == "merged" else "")
        if step == "accepted":
            accepted_at = at
            if kind in RESOLUTION:
                deadline(RESOLUTION[kind], at, "open")
        elif step == "suspended":
            for row in deadline_rows:
                if row["state"] == "open":
                    row["state"] = "paused"
                    row["paused_intervals"] = json.dumps(
                        [[(at + dt.timedelta(days=1)).date().isoformat(), None]]
                    )
        elif step == "concluded":
            decided_at = at
            status = S.CONCLUDED if kind in (K.DENUNCIATION, K.ANONYMOUS_REPORT) else S.DECIDED
            outcome = rng.choice(OUTCOMES[kind])
        elif step in ("closed", "rejected", "transferred", "merged", "guided"):
            closed_at = at
            if step == "rejected":
                reason_code = "XLD-28-ineligible"
        event(
            f"case.{step if step != 'concluded' else ('concluded' if status == S.CONCLUDED else 'decided')}",
            at,
            "complainant",
            {"synthetic": True},
        )
        history.append((at, status))
    open_due = [r["due_at"] for r in deadline_rows if r["state"] == "open"]
    next_due = min(open_due) if open_due else None
    if next_due and next_due < anchor:
        escalation = rng.choice([0, 1, 1, 2, 3])
    last_activity = times[-1]
    subject = rng.choice(SUBJECTS[kind])
    case_row = {
        "id": case_id,
        "reference": reference,
        "access_key_hash": access_hash,
        "kind": kind,
        "complaint_level": "first" if kind == K.COMPLAINT else "",
        "status": status,
        "status_before_suspension": "verifying" if status == S.SUSPENDED else "",
        "review_track": "",
        "withdrawal_requested_at": None,
        "channel": rng.choice(["online", "online", "post", "in_person", "referral_deputy"]),
        "received_at": received,
        "authority_id": authority_id,
        "subject": subject,
        "description": f"{subject}. Nội dung tổng hợp số {i + 1} (dữ liệu thử nghiệm).",
        "contested_act": "",
        "accused_name": "",
        "accused_position": "",
        "complexity": complexity,
        "remote_area": remote,
        "discipline": False,
        "dismissal": False,
        "multi_site": False,
        "out_of_competence": False,
        "escalation_level": escalation,
        "last_activity_at": last_activity,
        "next_due_at": next_due,
        "accepted_at": accepted_at,
        "decided_at": decided_at,
        "closed_at": closed_at,
        "outcome": outcome,
        "outcome_summary": "",
        "reason_code": reason_code,
        "reason_text": "",
        "duplicate_suspected": False,
        "extension_count": extensions,
        "transfer_count": transfers,
        "reassignment_count": rng.choice([0, 0, 0, 1, 2]),
        "suspension_count": 1 if status == S.SUSPENDED else 0,
        "version": len(steps),
        "event_head": prev,
        "event_count": seq,
        "created_at": received,
        "updated_at": last_activity,
    }
    w.add(Case, case_row)
    # History: the case as first written, then after each step.
    snapshot = dict(case_row)
    for n, (at, st) in enumerate([(received, S.RECEIVED), *history]):
        snapshot.update({"status": st, "last_activity_at": at, "version": n + 1})
        w.add(
            hist[Case],
            {
                **snapshot,
                "history_id": hist_ids[Case],
                "history_date": at,
                "history_change_reason": "generated" if n == 0 else st,
                "history_type": "+" if n == 0 else "~",
                "history_user_id": None,
            },
        )
        hist_ids[Case] += 1
    if kind != K.ANONYMOUS_REPORT:
        name, name_digest = names[i % len(names)]
        nid, digest = id_numbers[i % len(id_numbers)]
        party = {
            "id": ids[Party] + i,
            "case_id": case_id,
            "role": {K.COMPLAINT: "complainant", K.DENUNCIATION: "denouncer"}.get(kind, "petitioner"),
            "is_representative": False,
            "position": 0,
            "full_name": name,
            "national_id": nid,
            "address": address,
            "phone": "",
            "email": "",
            "national_id_digest": digest,
            "full_name_digest": name_digest,
            "identity_disclosed": False,
            "language": "vi",
            "notifications_opt_out": False,
        }
        w.add(Party, party)
        w.add(
            hist[Party],
            {
                **party,
                "history_id": hist_ids[Party],
                "history_date": received,
                "history_change_reason": "generated",
                "history_type": "+",
                "history_user_id": None,
            },
        )
        hist_ids[Party] += 1
    for row in events:
        row["id"] = ids[CaseEvent]
        ids[CaseEvent] += 1
        w.add(CaseEvent, row)
    for row in deadline_rows:
        row["id"] = ids[Deadline]
        ids[Deadline] += 1
        w.add(Deadline, row)
        w.add(
            hist[Deadline],
            {
                **row,
                "history_id": hist_ids[Deadline],
                "history_date": row["created_at"],
                "history_change_reason": "generated",
                "history_type": "+",
                "history_user_id": None,
            },
        )
        hist_ids[Deadline] += 1
