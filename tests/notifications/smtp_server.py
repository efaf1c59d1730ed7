"""A real SMTP server on 127.0.0.1 whose misbehaviour a test chooses, one thread per connection.

Modes: ``accept``; ``refuse`` (451 to MAIL FROM: up and refusing); ``silent_banner`` (takes the TCP
connection and never greets: a frozen server); ``silent_after_data`` (reads the whole message, holds
its answer ``delay`` seconds, then accepts it: what a frozen or overloaded server does to a client
that has already given up); ``silent_on_quit`` (accepts, then never answers QUIT).
``on_data`` is called with the message once its end-of-data marker has arrived, before answering."""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Callable
from email import message_from_bytes, policy


class _Handler(socketserver.StreamRequestHandler):
    def write(self, line: bytes) -> None:
        try:
            self.wfile.write(line + b"\r\n")
            self.wfile.flush()
        except OSError:
            pass

    def handle(self) -> None:
        server: ScriptedSmtp = self.server.owner  # type: ignore[attr-defined]
        if server.mode == "silent_banner":
            time.sleep(server.delay)
            return
        self.write(b"220 scripted ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.write(b"250 scripted")
            elif command.startswith(b"MAIL"):
                self.write(b"451 4.3.0 try again later" if server.mode == "refuse" else b"250 OK")
            elif command.startswith(b"RCPT"):
                self.write(b"250 OK")
            elif command == b"DATA":
                self.write(b"354 go ahead")
                lines = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk == b".\r\n":
                        break
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                raw = b"".join(lines)
                if server.on_data is not None:
                    server.on_data(raw)
                if server.mode == "silent_after_data":
                    time.sleep(server.delay)
                server.received(raw)
                self.write(b"250 2.0.0 accepted")
            elif command == b"QUIT":
                if server.mode == "silent_on_quit":
                    time.sleep(server.delay)
                    return
                self.write(b"221 bye")
                return
            elif command in (b"RSET", b"NOOP"):
                self.write(b"250 OK")
            else:
                self.write(b"500 unknown command")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class ScriptedSmtp:
    def __init__(
        self, mode: str = "accept", delay: float = 2.0, on_data: Callable[[bytes], None] | None = None
    ):
        self.mode, self.delay, self.on_data = mode, delay, on_data
        self.messages: list = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def received(self, raw: bytes) -> None:
        with self._lock:
            self.messages.append(message_from_bytes(raw, policy=policy.default))

    def message_ids(self) -> list[str]:
        with self._lock:
            return [str(m["Message-ID"]) for m in self.messages]

    def __enter__(self) -> ScriptedSmtp:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
