"""Finding 1: no upload can make the server inflate a zip member in memory, and every public step
that accepts files is rate limited. The bombs are real: a member of hundreds of megabytes of
zeros deflated to a few hundred kilobytes, once honestly declared and once lying in its header;
memory is measured with tracemalloc around the real request (the test client runs in-process)."""

import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest

from cases import files as filecheck
from cases.documents import DOCX_PREVIEW_MAX_XML, docx_preview

from .conftest import Citizen, api_submit, named_file, pdf_bytes

INFLATED = 300 * 1024 * 1024  # 300 MB of zeros once inflated
MEMORY_BUDGET = 16 * 1024 * 1024  # what the whole request may allocate, upload included


def _deflate_stream(size: int) -> tuple[bytes, int]:
    """``size`` zeros deflated in chunks (never materialised), and their CRC."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"\0" * (1024 * 1024)
    out, crc = [], 0
    for _ in range(size // len(chunk)):
        out.append(compressor.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    out.append(compressor.flush())
    return b"".join(out), crc


_BOMB_CACHE: dict[tuple, bytes] = {}


def zip_bomb(member: str, *, lie: bool = False, extra: dict[str, bytes] | None = None) -> bytes:
    """A zip whose ``member`` inflates to INFLATED bytes; with ``lie`` its headers declare 10 bytes."""
    key = (member, lie, tuple(sorted((extra or {}).items())))
    if key in _BOMB_CACHE:
        return _BOMB_CACHE[key]
    data, crc = _deflate_stream(INFLATED)
    declared = 10 if lie else INFLATED
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in (extra or {}).items():
            zf.writestr(name, content)
    # Append the bomb member by hand (so its declared size can lie), then rewrite the directory.
    base = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    entries = [(i, base.read(i.filename)) for i in base.infolist()]
    out = io.BytesIO()
    directory = []
    for info, content in entries:
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = comp.compress(content) + comp.flush()
        directory.append((info.filename.encode(), out.tell(), zlib.crc32(content), len(packed), len(content)))
        out.write(_local(info.filename.encode(), zlib.crc32(content), len(packed), len(content)))
        out.write(packed)
    directory.append((member.encode(), out.tell(), crc, len(data), declared))
    out.write(_local(member.encode(), crc, len(data), declared))
    out.write(data)
    start = out.tell()
    for name, offset, c, csize, usize in directory:
        out.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                c,
                csize,
                usize,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    size = out.tell() - start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory), size, start, 0))
    _BOMB_CACHE[key] = out.getvalue()
    return _BOMB_CACHE[key]


def _local(name: bytes, crc: int, csize: int, usize: int) -> bytes:
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, csize, usize, len(name), 0) + name


def _peak(fn):
    tracemalloc.start()
    try:
        result = fn()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


ODT_TYPE = b"application/vnd.oasis.opendocument.text"


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lie", [False, True], ids=["declared", "lying-header"])
def test_sniffing_a_zip_bomb_stays_within_a_few_megabytes(lie):
    bomb = zip_bomb("mimetype", lie=lie)
    assert len(bomb) < 1024 * 1024  # under a megabyte on the wire
    kind, peak = _peak(lambda: filecheck.sniff_content_type(bomb))
    assert kind is None or lie  # declared: refused by its directory; lying: a prefix read only
    assert peak < 4 * 1024 * 1024, f"sniffing allocated {peak / 1e6:.1f} MB"


@pytest.mark.parametrize("lie", [False, True], ids=["declared", "lying-header"])
def test_the_docx_preview_of_a_bomb_is_refused_within_bounds(lie):
    bomb = zip_bomb("word/document.xml", lie=lie, extra={"[Content_Types].xml": b"<Types/>"})

    def preview():
        try:
            return docx_preview(bomb)
        except (filecheck.UnsafeArchive, zipfile.BadZipFile, ValueError, zlib.error):
            return None

    result, peak = _peak(preview)
    assert result is None
    # The preview reads at most its limit (plus one byte) of document.xml, then refuses.
    assert peak < 3 * DOCX_PREVIEW_MAX_XML, f"the preview allocated {peak / 1e6:.1f} MB"


def test_a_bomb_posted_to_the_public_api_is_a_415_within_the_memory_budget(client, world):
    bomb = zip_bomb("mimetype")
    response, peak = _peak(lambda: api_submit(client, files=[named_file("don.odt", bomb)]))
    assert response.status_code == 415
    assert peak < MEMORY_BUDGET, f"the request allocated {peak / 1e6:.1f} MB"


def test_a_bomb_in_the_wizard_upload_step_is_refused_within_the_memory_budget(client, world):
    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify()
    bomb = zip_bomb("mimetype", lie=True)
    response, peak = _peak(lambda: citizen.describe(files=[named_file("don.odt", bomb)], nav="upload"))
    assert response.status_code == 200
    assert "chỉ nhận tệp PDF" in response.content.decode()
    assert peak < MEMORY_BUDGET, f"the request allocated {peak / 1e6:.1f} MB"


# ------------------------------------------------------------------------------ rate limits


def test_the_wizard_upload_step_is_rate_limited(client, settings, world):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "upload": "3/h"}
    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify()
    codes = [
        citizen.describe(files=[named_file(f"a{i}.pdf", pdf_bytes(str(i)))], nav="upload").status_code
        for i in range(4)
    ]
    assert codes == [303, 303, 303, 429]


def test_the_tracking_supplement_is_rate_limited(client, settings, world):
    from .test_tracking import file_case, look_up

    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "upload": "2/h"}
    result = file_case(world)
    look_up(client, result.case.reference, result.access_key)
    codes = [
        client.post(
            "/tra-cuu/",
            {
                "action": "supplement",
                "reference": result.case.reference,
                "note": f"Bổ sung {i}",
                "files": [named_file(f"s{i}.pdf", pdf_bytes(str(i)))],
            },
        ).status_code
        for i in range(3)
    ]
    assert codes == [303, 303, 429]
    assert result.case.attachments.filter(original_name__startswith="s").count() == 2


@pytest.mark.django_db
def test_the_api_documents_endpoint_is_rate_limited(client, settings, world):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "upload": "2/h"}
    created = api_submit(client).json()
    url = f"/api/v1/cases/{created['reference']}/documents/"
    headers = {"HTTP_X_ACCESS_KEY": created["access_key"]}
    codes = [
        client.post(url, {"files": [named_file(f"b{i}.pdf", pdf_bytes(str(i)))]}, **headers).status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]
