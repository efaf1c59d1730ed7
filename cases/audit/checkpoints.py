"""Signed daily checkpoints over every case's event chain (issue 16, finding 14).

The hash chain of ``CaseEvent`` shows an edit to someone who does not know the algorithm; an
insider who can write to the database can rewrite a case's events and recompute its whole chain.
A checkpoint fixes the state of every chain at a moment with a signature made by a key the
database never holds:

- leaves: for every case with events before the cut-off, in case order,
  ``SHA-256(0x00 | "case_id:seq:hash")`` of its last event before the cut-off;
- root: the Merkle root over the leaves (``0x01 | left | right`` for nodes, the last one carried
  up when a level is odd; an empty day has the hash of the empty string);
- statement: canonical JSON of the day, cut-off, counts, root and the key's id; signed with
  Ed25519 (``EVENT_CHECKPOINT_KEY_FILE``, a PEM private key outside the database, 0600).

``checkpoint_create`` stores the statement and signature (append-only ``EventCheckpoint``) and
writes the export — statement, signature, public key and every leaf — to a JSON file meant for
the superior agency. ``verify_against`` takes such files and the trusted public key and proves
for each case whether its events up to the checkpoint are still the ones that were signed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cases.models import Case, CaseEvent

from .models import EventCheckpoint

VERSION = 1


# ---------------------------------------------------------------------------------------- keys


def generate_key(path: Path) -> Ed25519PrivateKey:
    """A new signing key written to ``path`` (0600, never overwritten)."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key


def signing_key() -> Ed25519PrivateKey:
    path = Path(settings.EVENT_CHECKPOINT_KEY_FILE)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(pem: str | bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


# -------------------------------------------------------------------------------------- merkle


def leaf_hash(case_id: int, seq: int, event_hash: str) -> bytes:
    return hashlib.sha256(b"\x00" + f"{case_id}:{seq}:{event_hash}".encode()).digest()


def merkle_root(leaves: list[bytes]) -> str:
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    level = leaves
    while len(level) > 1:
        nxt = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0].hex()


def chain_heads(cutoff: dt.datetime) -> list[tuple[int, int, str]]:
    """(case id, seq, hash) of every case's last event created before ``cutoff``."""
    table = CaseEvent._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT DISTINCT ON (case_id) case_id, seq, hash FROM {table} "  # noqa: S608 (model's table)
            "WHERE created_at < %s ORDER BY case_id, seq DESC",
            [cutoff],
        )
        return [(int(c), int(s), h) for c, s, h in cur.fetchall()]


def _canonical(statement: dict) -> bytes:
    return json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# ---------------------------------------------------------------------------------------- create


def day_cutoff(day: dt.date) -> dt.datetime:
    """The end of ``day`` in the local time zone (the checkpoint covers events before it)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


@transaction.atomic
def checkpoint_create(*, day: dt.date, export_dir: Path | None = None) -> tuple[EventCheckpoint, Path | None]:
    """Sign the state of every chain at the end of ``day``; store it and write its export."""
    existing = EventCheckpoint.objects.filter(day=day).first()
    if existing is not None:
        raise ValueError(f"a checkpoint for {day:%Y-%m-%d} already exists")
    cutoff = day_cutoff(day)
    heads = chain_heads(cutoff)
    root = merkle_root([leaf_hash(*h) for h in heads])
    key = signing_key()
    public = key.public_key()
    statement: dict[str, object] = {
        "version": VERSION,
        "day": day.isoformat(),
        "cutoff": cutoff.astimezone(dt.UTC).isoformat(),
        "case_count": len(heads),
        "event_count": sum(seq for _c, seq, _h in heads),
        "root": root,
        "key_id": key_id(public),
    }
    canonical = _canonical(statement)
    signature = key.sign(canonical).hex()
    checkpoint = EventCheckpoint.objects.create(
        day=day,
        case_count=len(heads),
        event_count=sum(seq for _c, seq, _h in heads),
        root=root,
        statement=canonical.decode(),
        signature=signature,
        key_id=key_id(public),
    )
    path = None
    if export_dir is not None:
        path = write_export(checkpoint, heads, export_dir, public)
    return checkpoint, path


def write_export(checkpoint: EventCheckpoint, heads, export_dir: Path, public: Ed25519PublicKey) -> Path:
    export_dir.mkdir(parents=True, exist_ok=True)
    refs = dict(Case.objects.filter(pk__in=[c for c, _s, _h in heads]).values_list("pk", "reference"))
    document = {
        "statement": json.loads(checkpoint.statement),
        "signature": checkpoint.signature,
        "public_key": public_pem(public),
        "leaves": [[case_id, refs.get(case_id, ""), seq, event_hash] for case_id, seq, event_hash in heads],
    }
    path = export_dir / f"checkpoint-{checkpoint.day:%Y-%m-%d}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


# ---------------------------------------------------------------------------------------- verify


@dataclass
class CheckpointReport:
    checkpoints: int = 0
    cases_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def checkpoint_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("checkpoint-*.json")) if path.is_dir() else [path])
    return files


def verify_against(paths: Iterable[Path], *, public_key: Ed25519PublicKey | None = None) -> CheckpointReport:
    """Check exported checkpoints against the database. Each file's signature is verified with
    ``public_key`` (the copy the superior agency keeps; by default this server's own key), its
    leaves against its signed root, then every leaf against the events in the database now: a case
    whose event at the signed number has another hash, or has fewer events, was rewritten."""
    report = CheckpointReport()
    trusted = public_key or signing_key().public_key()
    for path in checkpoint_files(paths):
        report.checkpoints += 1
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            statement = document["statement"]
            trusted.verify(bytes.fromhex(document["signature"]), _canonical(statement))
        except (OSError, ValueError, KeyError, TypeError, InvalidSignature):
            report.problems.append(f"{path.name}: not a checkpoint signed by the trusted key")
            continue
        leaves = document.get("leaves") or []
        computed = merkle_root([leaf_hash(int(c), int(s), h) for c, _ref, s, h in leaves])
        if computed != statement["root"] or len(leaves) != statement["case_count"]:
            report.problems.append(f"{path.name}: the leaves do not match the signed root")
            continue
        day = statement["day"]
        by_case = {int(c): (ref, int(s), h) for c, ref, s, h in leaves}
        current: dict[int, dict[int, str]] = {}
        ids = list(by_case)
        for start in range(0, len(ids), 2000):
            chunk = ids[start : start + 2000]
            wanted = [(c, by_case[c][1]) for c in chunk]
            rows = CaseEvent.objects.filter(case_id__in=chunk).values_list("case_id", "seq", "hash")
            seqs = dict(wanted)
            for case_id, seq, event_hash in rows.iterator(chunk_size=5000):
                if seq == seqs.get(case_id):
                    current.setdefault(case_id, {})[seq] = event_hash
        from cases.events import chain_verify

        chain = chain_verify(ids)
        broken = {p.split(":", 1)[0] for p in chain.problems}
        for case_id, (ref, seq, event_hash) in by_case.items():
            report.cases_checked += 1
            now = current.get(case_id, {}).get(seq)
            if now is None:
                report.problems.append(f"{ref}: event #{seq} signed on {day} is gone: events were removed")
            elif now != event_hash:
                report.problems.append(
                    f"{ref}: event #{seq} differs from the one signed on {day}: the log was rewritten "
                    "after the checkpoint"
                )
            elif ref in broken:
                report.problems.append(f"{ref}: the chain no longer verifies (see verify_event_chain)")
    return report
