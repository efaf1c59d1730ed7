"""Uploads kept across a form returned with errors: a browser cannot refill a file input, so the
files of a rejected POST are kept in private storage (never under MEDIA_ROOT) and the form carries
a signed token naming them, bound to the officer who uploaded them. On the next POST they are
submitted with any new files; the officer can drop any of them. Left-over stages are removed
after ``MAX_AGE`` seconds."""

from __future__ import annotations

import json
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing

SALT = "cases.admin.staging"
MAX_AGE = 4 * 3600
FIELD = "staged_files"
DROP_FIELD = "staged_drop"


@dataclass
class StagedFile:
    id: str
    name: str
    size: int
    content_type: str


def _root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT) / "workspace-staging"


def _purge_stale() -> None:
    root = _root()
    if not root.exists():
        return
    cutoff = time.time() - MAX_AGE
    for child in root.iterdir():
        try:
            if child.is_dir() and child.stat().st_mtime < cutoff:
                shutil.rmtree(child, ignore_errors=True)
        except FileNotFoundError:
            continue


class Stage:
    def __init__(self, token: str):
        self.token = token
        self.path = _root() / token

    @classmethod
    def from_request(cls, request) -> Stage | None:
        raw = request.POST.get(FIELD) or ""
        if not raw:
            return None
        try:
            data = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
        except signing.BadSignature:
            return None
        if data.get("u") != request.user.pk or not str(data.get("t", "")).isalnum():
            return None
        stage = cls(data["t"])
        return stage if stage.path.exists() else None

    @classmethod
    def new(cls) -> Stage:
        _purge_stale()
        stage = cls(secrets.token_hex(16))
        stage.path.mkdir(parents=True, exist_ok=True)
        return stage

    def signed(self, user) -> str:
        return signing.dumps({"t": self.token, "u": user.pk}, salt=SALT)

    def _meta_path(self) -> Path:
        return self.path / "files.json"

    def files(self) -> list[StagedFile]:
        try:
            return [StagedFile(**row) for row in json.loads(self._meta_path().read_text())]
        except (FileNotFoundError, ValueError, TypeError):
            return []

    def _save(self, files: list[StagedFile]) -> None:
        self._meta_path().write_text(json.dumps([f.__dict__ for f in files]))

    def add(self, uploads) -> None:
        files = self.files()
        for upload in uploads:
            token = secrets.token_hex(8)
            with open(self.path / f"{token}.bin", "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            upload.seek(0)
            files.append(StagedFile(token, upload.name, upload.size, upload.content_type or ""))
        self._save(files)

    def drop(self, ids) -> None:
        keep = []
        for f in self.files():
            if f.id in ids:
                (self.path / f"{f.id}.bin").unlink(missing_ok=True)
            else:
                keep.append(f)
        self._save(keep)

    def read(self) -> list[tuple[StagedFile, bytes]]:
        out = []
        for f in self.files():
            path = self.path / f"{f.id}.bin"
            if path.exists():
                out.append((f, path.read_bytes()))
        return out

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def stage_for_request(request) -> Stage | None:
    """The stage a POST refers to, with the files the officer chose to drop removed."""
    stage = Stage.from_request(request)
    if stage is not None:
        stage.drop(set(request.POST.getlist(DROP_FIELD)))
    return stage


def keep_uploads(request, stage: Stage | None, uploads) -> Stage | None:
    """After a rejected POST: the new uploads joined to the stage (created on first need)."""
    if not uploads and stage is None:
        return None
    stage = stage or Stage.new()
    stage.add(uploads)
    return stage
