"""Fixtures for the public site and API: the page tree, a clean rate-limit cache, sample files
whose type is recognised from their bytes, and helpers that file a case the way a citizen does."""

import io
import json
import zipfile

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def site_pages(db):
    """The Wagtail pages in both languages (transactional tests flush what the migration made)."""
    from publicsite.setup import ensure_site

    return ensure_site()


@pytest.fixture(autouse=True)
def clean_cache():
    """Rate-limit counters and cached statistics live in this run's own Redis db (CACHE_URL)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


def pdf_bytes(text: str = "hello") -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\n% " + text.encode() + b"\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def odt_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


PERSON = {
    "full_name": "Trần Thị Bình",
    "national_id": "001199012345",
    "address": "12 Hàng Bạc, Hoàn Kiếm, Hà Nội",
    "phone": "0987 654 321",
    "email": "binh.tran@example.vn",
}


def complaint_payload(**overrides) -> dict:
    payload = {
        "kind": "complaint",
        "subject": "Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND",
        "description": "Tôi không đồng ý với mức bồi thường khi thu hồi đất tại số 12 Hàng Bạc.",
        "contested_act": "Quyết định 12/QĐ-UBND ngày 01/03/2026 của UBND phường Hoàn Kiếm",
        "contested_act_known_on": None,
        "authority": "HN-SXD",
        "accused_name": "UBND phường Hoàn Kiếm",
        "parties": [dict(PERSON)],
        "declaration": True,
        "signature": "Trần Thị Bình",
        "consent": True,
    }
    payload.update(overrides)
    if payload["contested_act_known_on"] is None:
        from django.utils import timezone

        payload["contested_act_known_on"] = (timezone.localdate().replace(day=1)).isoformat()
    return payload


def api_submit(client, payload=None, files=None, **extra):
    """POST /api/v1/cases/ as JSON, or multipart when files are given."""
    payload = payload if payload is not None else complaint_payload()
    if files:
        data = {"payload": json.dumps(payload), "files": files}
        return client.post("/api/v1/cases/", data, **extra)
    return client.post("/api/v1/cases/", json.dumps(payload), content_type="application/json", **extra)


def named_file(name: str, content: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


class Citizen:
    """Drives the web intake wizard through the Django test client, step by step."""

    def __init__(self, client, lang: str = "vi"):
        self.client = client
        self.url = "/gui-don/" if lang == "vi" else "/en/file-a-case/"

    def step(self, n, data=None, **kw):
        url = f"{self.url}?step={n}"
        if data is None:
            return self.client.get(url, **kw)
        return self.client.post(url, data, **kw)

    def choose(self, kind="complaint"):
        return self.step(1, {"kind": kind, "nav": "next"})

    def identify(self, people=None, nav="next"):
        people = people if people is not None else [dict(PERSON)]
        data = {"people_count": str(len(people)), "nav": nav}
        for i, person in enumerate(people):
            for key, value in person.items():
                if key == "is_representative":
                    if value:
                        data[f"p{i}-is_representative"] = "on"
                else:
                    data[f"p{i}-{key}"] = value
        return self.step(2, data)

    def describe(self, files=(), nav="next", **fields):
        from django.utils import timezone

        data = {
            "subject": "Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND",
            "description": "Tôi không đồng ý với mức bồi thường khi thu hồi đất tại số 12 Hàng Bạc.",
            "contested_act": "Quyết định 12/QĐ-UBND ngày 01/03/2026",
            "contested_act_known_on": timezone.localdate().replace(day=1).isoformat(),
            "authority": "HN-SXD",
            "accused_name": "UBND phường Hoàn Kiếm",
            "nav": nav,
        }
        data.update(fields)
        if files:
            data["files"] = list(files)
        return self.step(3, data)

    def sign(self, signature="Trần Thị Bình", **fields):
        data = {"declaration": "on", "signature": signature, "consent": "on", "nav": "submit"}
        data.update(fields)
        return self.step(4, {k: v for k, v in data.items() if v is not None})

    def file_complaint(self, files=(), **content):
        self.choose("complaint")
        self.identify()
        self.describe(files=files, **content)
        response = self.sign()
        assert response.status_code == 303, response.content[:500]
        return self.client.get(response["Location"])
