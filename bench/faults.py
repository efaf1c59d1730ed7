"""make faults: intake keeps working through Redis, Elasticsearch, SMTP, worker and PostgreSQL faults,
with nothing duplicated or forgotten.

scripts/faults.sh starts a set of services of this run's own (PostgreSQL, Redis, Elasticsearch on
free ports, data under a temporary directory, through scripts/services.sh; the shared services of
``make test`` are never touched) and runs this script, which starts the product as production runs
it (``config.settings.production``: gunicorn with 2 workers, a Celery worker for the default queue,
one for the notifications queue, beat with the database scheduler), an SMTP sink and an HTTP SMS
gateway sink (bench/fault_sinks.py), and then, one fault after another, runs a bounded intake load
(4 clients posting complaints to the public API, each with an identity of its own) and injects:

  redis          Redis shut down (no persistence: its queues are lost), then started again
  elasticsearch  Elasticsearch stopped, then started again
  smtp-refusing  the SMTP server answers 451 to every message
  smtp-frozen    the SMTP server process is frozen (SIGSTOP), then resumed
  worker-kill    both Celery workers SIGKILLed mid-task (main processes and children), then restarted
  postgres       every PostgreSQL session killed, the server stopped, then started again

After each fault it checks, with the product's own code:

- every case answered 201 is in PostgreSQL, complete (party with the identity sent, the first
  event, deadlines, an intact event chain); cases written without a 201 are counted and checked too;
- no 5xx other than JSON 503s (with Retry-After) while PostgreSQL itself was down;
- the search index is complete (no drift, nothing pending) within 2 minutes of recovery;
- every expected message (the receipt to each case's e-mail address and phone) arrived exactly once
  at the SMTP sink and the SMS sink, the e-mail with the access key the 201 carried; a message
  whose outcome the product could not know is counted apart ("unknown": staff decide);

and at the end that no identity from the load (names, phone numbers, ID numbers, e-mail addresses,
access keys) is in any log: gunicorn, workers, beat, PostgreSQL, Redis, Elasticsearch.

The figures go to bench/results/faults.md. The drains run every FAULTS_DRAIN_SECONDS (10) instead of
every minute and a few timeouts are shortened (listed in the report) so the run stays bounded; the
code paths are production's. Exit status 1 when a check fails."""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
SERVICES = ROOT / "scripts" / "services.sh"

# Names, numbers and addresses of the load: synthetic, unique per request (so any of them in a log is
# a leak that can be traced to one request).
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô".split()  # noqa: SIM905
MIDDLE = "Văn Thị Hữu Đức Minh Thu Ngọc Quang Thanh Xuân Kim Bảo".split()  # noqa: SIM905
GIVEN = (  # noqa: SIM905
    "An Bình Châu Dũng Giang Hà Hải Hạnh Hiền Hòa Hùng Hương Khánh Khoa Lan Linh Long Mai Nam Nga Nhung "
    "Oanh Phong Phúc Quân Quyên Sơn Tâm Thảo Thắng Thủy Tiến Trang Trung Tú Tuấn Uyên Vân Việt Yến"
).split()


def log(msg: str) -> None:
    print(f"[faults {time.strftime('%H:%M:%S', time.gmtime())} UTC] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


# --------------------------------------------------------------------------------------- processes


@dataclass
class Ports:
    pg: int = field(default_factory=free_port)
    redis: int = field(default_factory=free_port)
    es: int = field(default_factory=free_port)
    es_transport: int = field(default_factory=free_port)
    http: int = field(default_factory=free_port)
    smtp: int = field(default_factory=free_port)
    sms: int = field(default_factory=free_port)


class Run:
    """The run directory, its services and its processes; tears everything down at the end."""

    def __init__(self, run_dir: Path, ports: Ports, drain_seconds: float):
        self.dir = run_dir
        self.ports = ports
        self.logs = run_dir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.services_dir = run_dir / "services"
        self.procs: dict[str, subprocess.Popen] = {}
        self.smtp_mode = run_dir / "smtp.mode"
        self.smtp_mode.write_text("")
        self.smtp_out = run_dir / "smtp.jsonl"
        self.sms_out = run_dir / "sms.jsonl"
        self.settings = {
            # Shortened so the run stays bounded (production defaults in config/settings/base.py).
            "NOTIFICATIONS_DRAIN_SECONDS": str(drain_seconds),
            "SEARCH_DRAIN_SECONDS": str(drain_seconds),
            "SEARCH_DRAIN_GRACE_SECONDS": "5",
            "CELERY_VISIBILITY_TIMEOUT": "30",
            "CELERY_UNACKED_RESTORE_INTERVAL": "3",
            "NOTIFICATIONS_REQUEUE_AFTER_SECONDS": "30",
            "NOTIFICATIONS_SEND_TIME_LIMIT": "20",
            "NOTIFICATIONS_SENDING_STALE_SECONDS": "30",
            "NOTIFICATIONS_RETRY_BASE_SECONDS": "5",
            "EMAIL_TIMEOUT": "3",
            "SMS_GATEWAY_TIMEOUT": "3",
        }
        fernet = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            "FIELD_ENCRYPTION_KEYS": fernet,
            "DATABASE_URL": f"postgres://kntc:kntc@127.0.0.1:{ports.pg}/kntc",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{ports.redis}/0",
            "CACHE_URL": f"redis://127.0.0.1:{ports.redis}/1",
            "ELASTICSEARCH_URL": f"http://127.0.0.1:{ports.es}",
            "ELASTICSEARCH_INDEX_PREFIX": "kntc-faults",
            "SEARCH_BACKEND": "elasticsearch",
            "EMAIL_URL": f"smtp://127.0.0.1:{ports.smtp}",
            "DEFAULT_FROM_EMAIL": "khieunai@faults.example.vn",
            "SMS_BACKEND": "notifications.channels.sms.HttpSmsBackend",
            "SMS_GATEWAY_URL": f"http://127.0.0.1:{ports.sms}/send",
            "SMS_GATEWAY_STATUS_URL": f"http://127.0.0.1:{ports.sms}/status",
            # The limiter still counts every request in Redis; the load comes from one address.
            "PUBLIC_RATE_LIMIT_SUBMIT": "1000000/h",
            "PUBLIC_RATE_LIMIT_TRACK": "1000000/h",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports.http}",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MEDIA_ROOT": str(run_dir / "media"),
            "PRIVATE_STORAGE_ROOT": str(run_dir / "private"),
            "STATIC_ROOT": str(run_dir / "static"),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            **self.settings,
        }
        self.env.pop("CELERY_RESULT_BACKEND", None)
        self.env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        self.service_env = {
            **os.environ,
            "KNTC_SERVICES_DIR": str(self.services_dir),
            "KNTC_PG_PORT": str(ports.pg),
            "KNTC_REDIS_PORT": str(ports.redis),
            "KNTC_ES_PORT": str(ports.es),
            "KNTC_ES_TRANSPORT_PORT": str(ports.es_transport),
            "KNTC_ES_HEAP": os.environ.get("KNTC_ES_HEAP", "384m"),
        }
        # For scripts/faults.sh's backstop: what to stop if this process is killed.
        (run_dir / "ports.env").write_text(
            "".join(f"{k}={self.service_env[k]}\n" for k in self.service_env if k.startswith("KNTC_"))
        )

    # services through scripts/services.sh (same functions as make test, other ports and directory)
    def service(self, action: str, name: str) -> None:
        out = subprocess.run(
            ["bash", str(SERVICES), action, name],
            env=self.service_env,
            capture_output=True,
            text=True,
            timeout=240,
        )
        if out.returncode != 0:
            raise RuntimeError(f"services.sh {action} {name} failed: {out.stderr[-2000:]}")

    def psql(self, sql: str) -> str:
        out = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.ports.pg), "-U", "postgres", "-qtAc", sql],
            capture_output=True,
            text=True,
            timeout=30,
        )
        return out.stdout.strip()

    def redis_cli(self, *args: str) -> str:
        out = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.ports.redis), *args],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.strip()

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        logfile = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs[name] = proc
        return proc

    def kill(self, name: str, sig: int = signal.SIGTERM, wait: float = 20) -> None:
        proc = self.procs.get(name)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def start_sinks(self) -> None:
        self.start(
            "smtp-sink",
            [
                PY,
                "bench/fault_sinks.py",
                "smtp",
                "--port",
                str(self.ports.smtp),
                "--out",
                str(self.smtp_out),
                "--mode-file",
                str(self.smtp_mode),
            ],
        )
        self.start(
            "sms-sink",
            [PY, "bench/fault_sinks.py", "sms", "--port", str(self.ports.sms), "--out", str(self.sms_out)],
        )
        wait_port(self.ports.smtp, 30)
        wait_port(self.ports.sms, 30)

    def start_web(self) -> None:
        self.start(
            "gunicorn",
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.ports.http}",
                "--timeout",
                "30",
                "--access-logfile",
                str(self.logs / "gunicorn-access.log"),
                "--log-level",
                "info",
            ],
        )

    def wait_web(self) -> None:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.ports.http, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in 120 s")

    def start_workers(self, wait: bool = True) -> None:
        """Both workers; with ``wait``, returning once each has said it is ready (consuming)."""
        common = [PY, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", "--without-gossip"]
        marks = {name: self.log_size(name) for name in ("worker-default", "worker-notifications")}
        self.start("worker-default", [*common, "-Q", "celery", "-c", "2", "-n", "default@%h"])
        self.start(
            "worker-notifications", [*common, "-Q", "notifications", "-c", "2", "-n", "notifications@%h"]
        )
        self._worker_marks = marks
        if wait:
            self.wait_workers()

    def wait_workers(self) -> None:
        for name, offset in self._worker_marks.items():
            self.wait_log(name, " ready.", offset, 120)

    def log_size(self, name: str) -> int:
        path = self.logs / f"{name}.log"
        return path.stat().st_size if path.exists() else 0

    def wait_log(self, name: str, needle: str, offset: int, seconds: float) -> None:
        path = self.logs / f"{name}.log"
        deadline = time.time() + seconds
        while time.time() < deadline:
            if path.exists():
                with path.open("rb") as fh:
                    fh.seek(offset)
                    if needle.encode() in fh.read():
                        return
            if self.procs[name].poll() is not None:
                raise RuntimeError(f"{name} exited; see {path}")
            time.sleep(0.3)
        raise RuntimeError(f"{name} not ready after {seconds}s; see {path}")

    def start_beat(self) -> None:
        beat = [
            PY,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--loglevel=INFO",
            "-s",
            str(self.dir / "beat-schedule"),
        ]
        self.start("beat", beat)
        self.wait_log("beat", "Sending due task", 0, 120)

    def stop_all(self) -> None:
        os.kill(self.procs["smtp-sink"].pid, signal.SIGCONT) if "smtp-sink" in self.procs else None
        for name in list(self.procs):
            self.kill(name)
        for name in ("elasticsearch", "redis", "postgres"):
            try:
                self.service("stop", name)
            except Exception as exc:  # keep stopping the others
                log(f"stopping {name}: {exc}")


def wait_port(port: int, seconds: float) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port} after {seconds}s")


# ------------------------------------------------------------------------------------------- load


@dataclass
class Identity:
    full_name: str
    national_id: str
    phone: str
    email: str


@dataclass
class Result:
    phase: str
    sent_at: float
    seconds: float
    kind: str  # "201", "503-json", "5xx-other", "4xx", "connection", "timeout"
    status: int = 0
    identity: Identity | None = None
    reference: str = ""
    access_key: str = ""
    retry_after: str = ""


class Identities:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.names: set[str] = set()
        self.numbers: set[str] = set()
        self.all: list[Identity] = []

    def _number(self, make) -> str:
        while True:
            value = make()
            if value not in self.numbers:
                self.numbers.add(value)
                return value

    def new(self) -> Identity:
        with self.lock:
            while True:
                name = f"{self.rng.choice(FAMILY)} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}"
                name += " " + self.rng.choice(GIVEN)
                if name not in self.names:
                    self.names.add(name)
                    break
            national_id = self._number(
                lambda: f"0{self.rng.randint(1, 96):02d}{self.rng.randint(0, 999999999):09d}"
            )
            phone = self._number(lambda: f"09{self.rng.randint(0, 99999999):08d}")
            identity = Identity(name, national_id, phone, f"nd.{secrets.token_hex(5)}@example.vn")
            self.all.append(identity)
            return identity


class Load:
    """4 clients, each at most ``rate`` requests a second, POSTing complaints to /api/v1/cases/."""

    def __init__(
        self, port: int, identities: Identities, authorities: list[str], clients: int = 4, rate: float = 2.0
    ):
        self.port = port
        self.identities = identities
        self.authorities = authorities
        self.clients = clients
        self.interval = 1.0 / rate
        self.results: list[Result] = []
        self.lock = threading.Lock()
        self.phase = ""
        self.running = threading.Event()
        self.threads: list[threading.Thread] = []
        self.known_on = (dt.date.today() - dt.timedelta(days=10)).isoformat()

    def payload(self, who: Identity, n: int) -> bytes:
        return json.dumps(
            {
                "kind": "complaint",
                "subject": f"Khiếu nại quyết định thu hồi đất số {n}/QĐ-UBND",
                "description": (
                    f"Tôi không đồng ý với mức bồi thường khi thu hồi đất tại thửa số {n}, tờ bản đồ số 7."
                ),
                "contested_act": f"Quyết định {n}/QĐ-UBND của UBND phường",
                "contested_act_known_on": self.known_on,
                "authority": random.choice(self.authorities),
                "accused_name": "UBND phường",
                "parties": [
                    {
                        "full_name": who.full_name,
                        "national_id": who.national_id,
                        "address": "12 Hàng Bạc, Hoàn Kiếm, Hà Nội",
                        "phone": who.phone,
                        "email": who.email,
                    }
                ],
                "declaration": True,
                "signature": who.full_name,
                "consent": True,
            },
            ensure_ascii=False,
        ).encode()

    def one(self) -> Result:
        who = self.identities.new()
        body = self.payload(who, random.randint(1, 999))
        started = time.time()
        phase = self.phase
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            conn.request(
                "POST",
                "/api/v1/cases/",
                body,
                {"Content-Type": "application/json", "Accept-Language": "vi", "Connection": "close"},
            )
            response = conn.getresponse()
            raw = response.read()
            conn.close()
        except TimeoutError:
            return Result(phase, started, time.time() - started, "timeout", identity=who)
        except OSError:
            return Result(phase, started, time.time() - started, "connection", identity=who)
        seconds = time.time() - started
        ctype = response.getheader("Content-Type", "")
        data = None
        if ctype.startswith("application/json"):
            try:
                data = json.loads(raw)
            except ValueError:
                data = None
        status = response.status
        result = Result(phase, started, seconds, "", status=status, identity=who)
        result.retry_after = response.getheader("Retry-After", "") or ""
        if status == 201 and isinstance(data, dict):
            result.kind = "201"
            result.reference, result.access_key = data.get("reference", ""), data.get("access_key", "")
        elif status == 503 and isinstance(data, dict) and data.get("detail") and result.retry_after:
            result.kind = "503-json"
        elif status >= 500:
            result.kind = f"{status}-{'json' if isinstance(data, dict) else 'other'}"
        else:
            result.kind = str(status)
        return result

    def client(self) -> None:
        while self.running.is_set():
            started = time.time()
            result = self.one()
            with self.lock:
                self.results.append(result)
            time.sleep(max(0.0, self.interval - (time.time() - started)))

    def start(self, phase: str) -> None:
        self.phase = phase
        self.running.set()
        self.threads = [threading.Thread(target=self.client, daemon=True) for _ in range(self.clients)]
        for t in self.threads:
            t.start()

    def stop(self) -> None:
        self.running.clear()
        for t in self.threads:
            t.join(60)


# ---------------------------------------------------------------------------------------- checks


def django_setup(env: dict) -> None:
    os.environ.update({k: v for k, v in env.items() if isinstance(v, str)})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fresh_connections() -> None:
    from django.db import connections

    connections.close_all()


def check_cases(results: list[Result]) -> dict:
    """Every 201 is a complete case with the identity sent; cases written without a 201, too."""
    from django.db.models import Count

    from cases.events import chain_verify
    from cases.models import Case, CaseEvent

    fresh_connections()
    acknowledged = {r.reference: r for r in results if r.kind == "201"}
    rows = {
        ref: (pk, parties, deadlines, events)
        for ref, pk, parties, deadlines, events in Case.objects.annotate(
            n_parties=Count("parties", distinct=True), n_deadlines=Count("deadlines", distinct=True)
        ).values_list("reference", "pk", "n_parties", "n_deadlines", "event_count")
    }
    first_events = set(
        CaseEvent.objects.filter(seq=1, kind="case.received").values_list("case__reference", flat=True)
    )
    problems = []
    for ref, _result in acknowledged.items():
        row = rows.get(ref)
        if row is None:
            problems.append(f"{ref}: answered 201, not in PostgreSQL")
            continue
        _pk, parties, deadlines, events = row
        if parties != 1 or deadlines < 1 or events < 1 or ref not in first_events:
            problems.append(f"{ref}: incomplete (parties {parties}, deadlines {deadlines}, events {events})")
    unacknowledged = [ref for ref in rows if ref not in acknowledged]
    for ref in unacknowledged:
        _pk, parties, deadlines, events = rows[ref]
        if parties != 1 or deadlines < 1 or events < 1 or ref not in first_events:
            problems.append(f"{ref}: written without a 201 and incomplete")
    # The identity stored (decrypted by the model) is the one sent.
    from cases.models import Party

    sent = {r.reference: r.identity for r in acknowledged.values()}
    mismatched = 0
    for party in Party.objects.filter(case__reference__in=list(sent)).select_related("case"):
        who = sent[party.case.reference]
        if (party.full_name, party.national_id, party.phone, party.email.lower()) != (
            who.full_name,
            who.national_id,
            who.phone,
            who.email.lower(),
        ):
            mismatched += 1
    if mismatched:
        problems.append(f"{mismatched} parties differ from what was sent")
    chain = chain_verify([row[0] for row in rows.values()])
    if not chain.ok:
        problems.append(f"event chains: {len(chain.problems)} problems")
    return {
        "acknowledged": len(acknowledged),
        "in_database": len(rows),
        "without_201": len(unacknowledged),
        "problems": problems,
    }


def index_drift() -> dict:
    from search.backends import get_backend

    fresh_connections()
    try:
        drift = get_backend("elasticsearch").check()
    except Exception as exc:
        return {"error": type(exc).__name__, "total": -1}
    return {
        "total": drift.total,
        "missing": len(drift.missing),
        "stale": len(drift.stale),
        "pending": len(drift.pending),
        "orphans": len(drift.orphans),
        "database": drift.database_count,
        "index": drift.index_count,
    }


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError):
            out.append(json.loads(line))
    return out


def check_messages(run: Run, results: list[Result]) -> dict:
    """The receipt of every case, once at each sink; settled rows in the outbox."""
    from cases.models import Party
    from notifications.models import Notification

    fresh_connections()
    mails = Counter()
    keys_in_mail: dict[str, str] = {}
    for m in read_jsonl(run.smtp_out):
        for to in m.get("to", []):
            mails[to.lower()] += 1
            keys_in_mail[to.lower()] = m.get("body", "")
    sms = Counter(m.get("to", "") for m in read_jsonl(run.sms_out))
    parties = list(Party.objects.values_list("email", "phone"))
    expected = {"email": [e.lower() for e, _p in parties if e], "sms": [p for _e, p in parties if p]}
    statuses = Counter(Notification.objects.filter(template="case.received").values_list("channel", "status"))
    unknown = Counter(ch for (ch, st), n in statuses.items() if st == "unknown" for _ in range(n))
    out = {}
    for channel, got in (("email", mails), ("sms", sms)):
        want = expected[channel]
        once = sum(1 for a in want if got.get(a, 0) == 1)
        duplicates = sum(1 for a in want if got.get(a, 0) > 1)
        missing = sum(1 for a in want if got.get(a, 0) == 0)
        out[channel] = {
            "expected": len(want),
            "once": once,
            "duplicates": duplicates,
            "missing": missing,
            "unknown_rows": unknown.get(channel, 0),
        }
    open_rows = sum(n for (_ch, st), n in statuses.items() if st in ("pending", "sending"))
    out["open_rows"] = open_rows
    out["failed_rows"] = sum(n for (_ch, st), n in statuses.items() if st == "failed")
    # The e-mail receipt carries the access key the 201 answered with.
    wrong_key = 0
    for r in results:
        if r.kind == "201" and r.identity is not None:
            body = keys_in_mail.get(r.identity.email.lower())
            if body is not None and r.access_key not in body:
                wrong_key += 1
    out["wrong_key"] = wrong_key
    return out


# ------------------------------------------------------------------------------------------ faults


@dataclass
class Phase:
    name: str
    title: str
    started: float = 0.0
    fault_at: float = 0.0
    recovered_at: float = 0.0
    load_stopped_at: float = 0.0
    note: str = ""
    index_caught_up: float | None = None
    messages_settled: float | None = None
    index: dict = field(default_factory=dict)
    messages: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    db_down: tuple[float, float] | None = None


def inject(run: Run, phase: Phase, fault_seconds: float) -> None:
    name = phase.name
    if name == "redis":
        queued = sum(
            int(run.redis_cli(*command) or 0)
            for command in (("LLEN", "celery"), ("LLEN", "notifications"), ("HLEN", "unacked"))
        )
        run.service("stop", "redis")
        time.sleep(fault_seconds)
        run.service("start", "redis")
        phase.note = (
            f"shut down without saving ({queued} task(s) queued or taken were lost with it), started empty"
        )
    elif name == "elasticsearch":
        run.service("stop", "elasticsearch")
        time.sleep(fault_seconds)
        started = time.time()
        run.service("start", "elasticsearch")
        phase.note = (
            f"stopped for {fault_seconds:.0f} s, then {time.time() - started:.0f} s to start and answer again"
        )
    elif name == "smtp-refusing":
        run.smtp_mode.write_text("refuse")
        time.sleep(fault_seconds)
        run.smtp_mode.write_text("")
    elif name == "smtp-frozen":
        pid = run.procs["smtp-sink"].pid
        os.kill(pid, signal.SIGSTOP)
        time.sleep(fault_seconds)
        os.kill(pid, signal.SIGCONT)
        phase.note = (
            "the server process stopped (SIGSTOP): connections accepted by the kernel, never answered"
        )
    elif name == "worker-kill":
        unacked = run.redis_cli("HLEN", "unacked")
        run.kill("worker-default", signal.SIGKILL)
        run.kill("worker-notifications", signal.SIGKILL)
        phase.note = f"{unacked or 0} task(s) taken and unacknowledged in Redis when the workers were killed"
        time.sleep(min(fault_seconds, 5))
        run.start_workers()
    elif name == "postgres":
        killed = run.psql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = 'kntc' AND pid <> pg_backend_pid()"
        )
        run.service("stop", "postgres")
        time.sleep(fault_seconds)
        run.service("start", "postgres")
        phase.note = f"{killed or 0} session(s) killed, then the server stopped for {fault_seconds:.0f} s"
    else:  # pragma: no cover
        raise ValueError(name)


PHASES = [
    ("redis", "Redis down (broker, cache; restarted without persistence)"),
    ("elasticsearch", "Elasticsearch down"),
    ("smtp-refusing", "SMTP refusing (451 to every message)"),
    ("smtp-frozen", "SMTP frozen (SIGSTOP)"),
    ("worker-kill", "Celery workers SIGKILLed mid-task"),
    ("postgres", "PostgreSQL sessions killed and server restarted"),
]


def run_phase(run: Run, load: Load, phase: Phase, args) -> None:
    log(f"phase {phase.name}: load")
    phase.started = time.time()
    load.start(phase.name)
    time.sleep(args.before)
    phase.fault_at = time.time()
    log(f"phase {phase.name}: inject")
    inject(run, phase, args.fault_seconds)
    phase.recovered_at = time.time()
    if phase.name == "postgres":
        phase.db_down = (phase.fault_at, phase.recovered_at + 3)
    log(f"phase {phase.name}: recovered after {phase.recovered_at - phase.fault_at:.1f} s")
    time.sleep(args.after)
    load.stop()
    phase.load_stopped_at = time.time()
    deadline = phase.recovered_at + args.catch_up_limit
    while time.time() < deadline:
        if phase.index_caught_up is None:
            drift = index_drift()
            if drift.get("total") == 0:
                phase.index_caught_up = time.time()
                phase.index = drift
        if phase.messages_settled is None:
            messages = check_messages(run, load.results)
            if messages["open_rows"] == 0 and all(
                messages[ch]["missing"] <= messages[ch]["unknown_rows"] for ch in ("email", "sms")
            ):
                phase.messages_settled = time.time()
                phase.messages = messages
        if phase.index_caught_up is not None and phase.messages_settled is not None:
            break
        time.sleep(1)
    if phase.index_caught_up is None:
        phase.index = index_drift()
    if phase.messages_settled is None:
        phase.messages = check_messages(run, load.results)
    phase.cases = check_cases(load.results)
    log(
        f"phase {phase.name}: index {'caught up' if phase.index_caught_up else 'NOT caught up'}, "
        f"messages {'settled' if phase.messages_settled else 'NOT settled'}"
    )


# ------------------------------------------------------------------------------------------- logs


def log_files(run: Run) -> list[Path]:
    files = list(run.logs.glob("*.log"))
    files += [run.services_dir / "pg" / "server.log", run.services_dir / "redis.log"]
    files += list(run.services_dir.glob("es-start.log"))
    files += list(run.services_dir.glob("elasticsearch-*/logs/*"))
    return [p for p in files if p.is_file()]


KEY_RE = re.compile(r"[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3}")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DIGITS_RE = re.compile(r"\d{9,}")
WORD_RE = re.compile(r"\w+")


def identity_in_logs(run: Run, identities: Identities, results: list[Result]) -> dict:
    names = {i.full_name.lower() for i in identities.all} | {fold(i.full_name) for i in identities.all}
    numbers = {i.phone for i in identities.all} | {i.national_id for i in identities.all}
    emails = {i.email.lower() for i in identities.all}
    keys = {r.access_key for r in results if r.access_key}
    found: Counter = Counter()
    scanned = 0
    where: dict[str, set[str]] = {}
    for path in log_files(run):
        text = path.read_bytes().decode("utf-8", "replace")
        scanned += len(text)
        for kind, hits in (
            ("access key", {k for k in KEY_RE.findall(text) if k in keys}),
            ("e-mail", {e.lower() for e in EMAIL_RE.findall(text) if e.lower() in emails}),
            (
                "phone or ID number",
                {
                    run_[i : i + n]
                    for run_ in DIGITS_RE.findall(text)
                    for n in (10, 12)
                    for i in range(len(run_) - n + 1)
                    if run_[i : i + n] in numbers
                },
            ),
        ):
            if hits:
                found[kind] += len(hits)
                where.setdefault(kind, set()).add(path.name)
        for variant in (text.lower(), fold(text)):
            words = WORD_RE.findall(variant)
            grams = {" ".join(words[i : i + 4]) for i in range(len(words) - 3)}
            hits = grams & names
            if hits:
                found["name"] += len(hits)
                where.setdefault("name", set()).add(path.name)
    return {
        "files": len(log_files(run)),
        "bytes": scanned,
        "found": dict(found),
        "where": {k: sorted(v) for k, v in where.items()},
    }


# ------------------------------------------------------------------------------------------ report


def summarise(phase: Phase, results: list[Result]) -> dict:
    mine = [r for r in results if r.phase == phase.name]
    kinds = Counter(r.kind for r in mine)
    bad_5xx = []
    for r in mine:
        if r.kind.startswith("5") or r.kind[:1] == "5":
            allowed = (
                r.kind == "503-json"
                and phase.db_down is not None
                and phase.db_down[0] <= r.sent_at + r.seconds
                and r.sent_at <= phase.db_down[1]
            )
            if not allowed:
                bad_5xx.append(r.kind)
    during = [r for r in mine if phase.fault_at <= r.sent_at <= phase.recovered_at]
    lat = [r.seconds * 1000 for r in mine if r.kind == "201"]
    lat_fault = [r.seconds * 1000 for r in during if r.kind == "201"]
    return {
        "requests": len(mine),
        "201": kinds.get("201", 0),
        "kinds": dict(kinds),
        "bad_5xx": len(bad_5xx),
        "p50": percentile(lat, 50),
        "p95": percentile(lat, 95),
        "fault_requests": len(during),
        "fault_201": sum(r.kind == "201" for r in during),
        "fault_p50": percentile(lat_fault, 50),
    }


def verdicts(phase: Phase, summary: dict, limit: float) -> list[str]:
    failures = []
    if phase.cases.get("problems"):
        failures.append(f"cases: {phase.cases['problems'][:5]}")
    if summary["bad_5xx"]:
        failures.append(f"{summary['bad_5xx']} 5xx other than JSON 503 while PostgreSQL was down")
    unanswered = summary["kinds"].get("connection", 0) + summary["kinds"].get("timeout", 0)
    if unanswered:
        failures.append(f"{unanswered} requests got no answer")
    if phase.index_caught_up is None or phase.index_caught_up - phase.recovered_at > limit:
        failures.append(f"index not complete within {limit:.0f} s of recovery: {phase.index}")
    m = phase.messages
    for ch in ("email", "sms"):
        if m[ch]["duplicates"]:
            failures.append(f"{m[ch]['duplicates']} duplicate {ch} receipts")
        if m[ch]["missing"] > m[ch]["unknown_rows"]:
            failures.append(f"{m[ch]['missing'] - m[ch]['unknown_rows']} {ch} receipts missing")
    if m.get("open_rows"):
        failures.append(f"{m['open_rows']} receipts still pending or sending")
    if m.get("wrong_key"):
        failures.append(f"{m['wrong_key']} e-mail receipts without the key of their 201")
    return failures


def es_version() -> str:
    from django.conf import settings

    return settings.ELASTICSEARCH_VERSION


def write_report(
    path: Path,
    run: Run,
    phases: list[Phase],
    results: list[Result],
    leaks: dict,
    total: float,
    setup: float,
    args,
):
    lines = [
        "# Fault injection (`make faults`)",
        "",
        f"Run {dt.datetime.now().strftime('%d/%m/%Y %H:%M')} on {os.cpu_count()} cores, "
        f"{total / 60:.1f} min in all ({setup / 60:.1f} min of set-up: services, migrations, processes). "
        "Written by `bench/faults.py` (see its docstring for what it does and checks).",
        "",
        "Set-up: services of this run's own (PostgreSQL, Redis without persistence, Elasticsearch "
        f"{es_version()}) through `scripts/services.sh` on other ports; "
        "`config.settings.production`; gunicorn with 2 sync workers; a Celery worker on the default queue "
        "(-c 2) and one on the notifications queue (-c 2); beat with the database scheduler; an aiosmtpd "
        "sink and an HTTP SMS gateway sink (`bench/fault_sinks.py`) behind `EMAIL_URL` and "
        f"`HttpSmsBackend`. Load: {args.clients} clients, at most {args.rate:g} complaints/s each, each "
        f"with its own identity; {args.before:g} s before each fault, {args.fault_seconds:g} s of fault, "
        f"{args.after:g} s after recovery. Shortened for a bounded run: "
        + ", ".join(f"`{k}={v}`" for k, v in run.settings.items())
        + ".",
        "",
        "| fault | requests | 201 | errors by kind | 201 p50 / p95 (ms) | 201 during fault "
        "| index complete after recovery | receipts e-mail / SMS: once · dup · missing · unknown | checks |",
        "|---|---:|---:|---|---:|---:|---:|---|---|",
    ]
    all_ok = True
    details = []
    for phase in phases:
        s = summarise(phase, results)
        failures = verdicts(phase, s, args.catch_up_limit)
        all_ok &= not failures
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(s["kinds"].items()) if k != "201") or "none"
        catch_up = (
            f"{phase.index_caught_up - phase.recovered_at:.1f} s"
            if phase.index_caught_up is not None
            else "**not**"
        )
        m = phase.messages
        msg = " / ".join(
            f"{m[ch]['once']} · {m[ch]['duplicates']} · {m[ch]['missing']} · {m[ch]['unknown_rows']}"
            for ch in ("email", "sms")
        )
        lines.append(
            f"| {phase.title} | {s['requests']} | {s['201']} | {errors} | {s['p50']:.0f} / {s['p95']:.0f} | "
            f"{s['fault_201']}/{s['fault_requests']} | {catch_up} | {msg} | "
            f"{'ok' if not failures else '**FAILED**'} |"
        )
        settled = (
            f"{phase.messages_settled - phase.recovered_at:.1f} s"
            if phase.messages_settled is not None
            else "not"
        )
        details.append(
            f"- **{phase.name}**: fault {phase.recovered_at - phase.fault_at:.1f} s"
            + (f" ({phase.note})" if phase.note else "")
            + f"; receipts settled {settled} after recovery; "
            f"201 p50 during the fault {s['fault_p50']:.0f} ms; "
            f"cases in PostgreSQL {phase.cases.get('in_database')}, "
            f"of which {phase.cases.get('without_201')} "
            f"written without a 201 (client saw an error), all complete: "
            f"{'yes' if not phase.cases.get('problems') else 'no'}; index {phase.index}"
            + (f"; **{'; '.join(failures)}**" if failures else "")
        )
    leak_total = sum(leaks["found"].values())
    all_ok &= leak_total == 0
    totals = Counter(r.kind for r in results)
    lines += [
        "",
        f"Totals: {len(results)} requests, {totals.get('201', 0)} answered 201; errors by kind: "
        + (", ".join(f"{k}: {v}" for k, v in sorted(totals.items()) if k != "201") or "none")
        + ". Duplicates delivered: "
        + str(sum(p.messages[ch]["duplicates"] for p in phases for ch in ("email", "sms")) if phases else 0)
        + " (cumulative counts above: each row checks every case so far).",
        "",
        f"Identity in logs: {leak_total} found in {leaks['files']} log files ({leaks['bytes'] / 1e6:.1f} MB: "
        "gunicorn and its access log, both workers, beat, the sinks' own output, PostgreSQL, Redis, "
        "Elasticsearch), searching every name (as written and accent-folded), phone number, ID number, "
        "e-mail address and access key of the load"
        + (f": **{leaks['found']} in {leaks['where']}**" if leak_total else "")
        + ".",
        "",
        "Per fault:",
        "",
        *details,
        "",
        "Reading the table: errors by kind counts answers other than 201 (`503-json`: a JSON 503 with "
        'Retry-After; `connection`/`timeout`: the client got no answer). "Index complete" is the time '
        "from the service being back until the Elasticsearch drift check (missing, stale, orphaned, "
        "pending) is zero for every case so far. Receipt counts are over every case so far, at the sinks; "
        '"unknown" are messages whose outcome the product could not know (listed for staff, not resent).',
        "",
        f"Result: {'all checks passed' if all_ok else 'SOME CHECKS FAILED'}.",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return all_ok


# -------------------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "faults.md")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rate", type=float, default=2.0, help="requests per second per client, at most")
    parser.add_argument("--before", type=float, default=4.0)
    parser.add_argument("--fault-seconds", type=float, default=15.0)
    parser.add_argument("--after", type=float, default=4.0)
    parser.add_argument("--catch-up-limit", type=float, default=120.0)
    parser.add_argument("--drain-seconds", type=float, default=10.0)
    parser.add_argument("--phases", default=",".join(name for name, _t in PHASES))
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()

    began = time.time()
    run = Run(args.run_dir, Ports(), args.drain_seconds)
    phases: list[Phase] = []
    try:
        log(
            f"services in {run.services_dir} "
            f"(ports pg {run.ports.pg}, redis {run.ports.redis}, es {run.ports.es})"
        )
        for name in ("postgres", "redis"):
            run.service("start", name)
        # Elasticsearch takes the longest to start: it starts while the database is migrated.
        es_started: list[BaseException | None] = []

        def start_es() -> None:
            try:
                run.service("start", "elasticsearch")
                es_started.append(None)
            except BaseException as exc:
                es_started.append(exc)

        es_thread = threading.Thread(target=start_es, daemon=True)
        es_thread.start()
        django_setup(run.env)
        from django.core.management import call_command

        log("migrate (Elasticsearch starting meanwhile)")
        call_command("migrate", verbosity=0, interactive=False)
        call_command(
            "import_holidays", str(ROOT / "cases" / "data" / "holidays_vn_2025_2027.csv"), verbosity=0
        )
        from cases.generation import ensure_authorities

        codes = [a.code for a in ensure_authorities()][:20]
        es_thread.join(300)
        if not es_started or es_started[0] is not None:
            raise RuntimeError(f"Elasticsearch did not start: {es_started[:1]}")
        call_command("search_index", "rebuild", "--backend", "elasticsearch", verbosity=0)
        fresh_connections()
        log("product processes")
        run.start_sinks()
        run.start_web()
        run.start_workers(wait=False)
        run.start_beat()  # waits for its first due task
        run.wait_web()
        run.wait_workers()
        setup_seconds = time.time() - began
        log(f"set-up done in {setup_seconds:.0f} s")
        identities = Identities(args.seed)
        load = Load(run.ports.http, identities, codes, clients=args.clients, rate=args.rate)
        # Warm-up: a few cases through every path before the first fault.
        load.start("warm-up")
        time.sleep(3)
        load.stop()
        wanted = [p for p in PHASES if p[0] in args.phases.split(",")]
        for name, title in wanted:
            phase = Phase(name, title)
            run_phase(run, load, phase, args)
            phases.append(phase)
        leaks = identity_in_logs(run, identities, load.results)
        ok = write_report(
            args.out, run, phases, load.results, leaks, time.time() - began, setup_seconds, args
        )
        log(f"report: {args.out} ({'ok' if ok else 'FAILED'}), {(time.time() - began) / 60:.1f} min")
        return 0 if ok else 1
    finally:
        fresh_connections() if "django" in sys.modules else None
        run.stop_all()


if __name__ == "__main__":
    sys.exit(main())
