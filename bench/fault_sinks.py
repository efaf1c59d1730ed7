"""The two delivery sinks of ``make faults``, each a process of its own (so one can be frozen with
SIGSTOP while the other runs):

    python bench/fault_sinks.py smtp --port 2525 --out smtp.jsonl --mode-file smtp.mode
    python bench/fault_sinks.py sms --port 8025 --out sms.jsonl

The SMTP sink is aiosmtpd; every accepted message is one JSON line (Message-ID, recipients, subject,
body). While ``--mode-file`` contains ``refuse`` it answers every MAIL FROM with 451 (a server that
is up and refusing). The SMS sink is a small HTTP gateway speaking what
``notifications.channels.sms.HttpSmsBackend`` speaks: ``POST /send`` ``{"to", "message",
"reference"}`` answers ``{"id"}``; ``GET /status?reference=...`` answers 200 ``{"id"}`` or 404. It
does not drop repeated references, so a duplicate shows in its count.

Neither logs what it receives: the lines are the mailboxes the harness counts, in its run directory,
deleted with it."""

from __future__ import annotations

import argparse
import json
import threading
import time
import uuid
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse


class Journal:
    def __init__(self, path: Path):
        self.path = path
        self.lock = threading.Lock()
        self.fh = path.open("a", encoding="utf-8")

    def write(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False)
        with self.lock:
            self.fh.write(line + "\n")
            self.fh.flush()


class SmtpHandler:
    def __init__(self, journal: Journal, mode_file: Path | None):
        self.journal = journal
        self.mode_file = mode_file

    def _mode(self) -> str:
        try:
            return self.mode_file.read_text().strip() if self.mode_file else ""
        except OSError:
            return ""

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self._mode() == "refuse":
            return "451 4.3.0 Mail temporarily refused (fault injection)"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        self.journal.write(
            {
                "at": time.time(),
                "message_id": str(message.get("Message-ID", "")),
                "to": list(envelope.rcpt_tos),
                "subject": str(message.get("Subject", "")),
                "body": body.get_content() if body is not None else "",
            }
        )
        return "250 2.0.0 Accepted"


def run_smtp(port: int, out: Path, mode_file: Path | None) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(SmtpHandler(Journal(out), mode_file), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def run_sms(port: int, out: Path) -> None:
    journal = Journal(out)
    by_reference: dict[str, str] = {}
    lock = threading.Lock()

    class Gateway(BaseHTTPRequestHandler):
        def _answer(self, status: int, payload: dict) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            if urlparse(self.path).path != "/send":
                return self._answer(404, {"error": "not found"})
            data = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            message_id = uuid.uuid4().hex
            reference = str(data.get("reference", ""))
            with lock:
                by_reference.setdefault(reference, message_id)
            journal.write(
                {
                    "at": time.time(),
                    "id": message_id,
                    "to": data.get("to", ""),
                    "reference": reference,
                    "message": data.get("message", ""),
                }
            )
            return self._answer(200, {"id": message_id})

        def do_GET(self):
            url = urlparse(self.path)
            if url.path != "/status":
                return self._answer(404, {"error": "not found"})
            reference = parse_qs(url.query).get("reference", [""])[0]
            with lock:
                found = by_reference.get(reference)
            if found is None:
                return self._answer(404, {"error": "no such message"})
            return self._answer(200, {"id": found})

        def log_message(self, *args):  # no access log: the path carries a reference
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Gateway)
    server.daemon_threads = True
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["smtp", "sms"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--mode-file", type=Path)
    args = parser.parse_args()
    if args.kind == "smtp":
        run_smtp(args.port, args.out, args.mode_file)
    else:
        run_sms(args.port, args.out)


if __name__ == "__main__":
    main()
