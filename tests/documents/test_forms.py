"""Every standard form, rendered for a realistic case, against the list of its required parts kept
beside the templates (cases/templates/cases/documents/forms.toml): title, legal basis, content
items, recipients, signatory title; the form number printed; the agency, its superior body, number,
place and date from data; NFC text; no denouncer identity in what the accused or another body gets."""

import io
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import pytest

from cases import documents
from cases.delivery import rendering
from cases.models import Role

from .conftest import PERSON, build

CODES = sorted(code for code, t in documents.TEMPLATES.items() if t.docx_path() is not None)
SECRETS = [v for k, v in PERSON.items() if k != "address"] + [PERSON["address"]]


def _xml(content: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode("utf-8")


def test_every_template_has_its_form_and_parts_listed_beside_it():
    catalogue = documents.form_catalogue()
    assert len(CODES) >= 30
    for code in documents.TEMPLATES:
        assert code in catalogue, f"{code}: no table in forms.toml"
        entry = catalogue[code]
        for part in ("title", "legal_basis", "content", "recipients", "signatory", "source", "basis"):
            assert entry.get(part), f"{code}: forms.toml lacks {part}"
        assert entry["basis"] in {"codified", "brief", "secondary", "none"}
    # The committed .docx files are what the script builds (reproducible templates).
    script = Path(documents.__file__).resolve().parent.parent / "scripts" / "make_document_templates.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_acceptance_notice_cites_the_form_in_force_not_circular_07_2013():
    entry = documents.form_entry("thu_ly_khieu_nai")
    assert entry["form"] == "Mẫu số 03" and "124/2020" in entry["source"]
    assert "07/2013" not in documents.TEMPLATES["thu_ly_khieu_nai"].form
    assert "Mẫu số 03" in documents.TEMPLATES["thu_ly_khieu_nai"].form


@pytest.mark.parametrize("code", CODES)
def test_form_has_every_required_part(world, code):
    case = build(world, code)
    template = documents.TEMPLATES[code]
    head = world.user(Role.HEAD_OF_AGENCY)  # holds the identity permission
    rendered = documents.render_notice(case=case, code=code, user=head, number="")
    text, xml = rendered.text, _xml(rendered.content)
    lines = [line.strip() for line in text.splitlines()]
    entry = template.entry(case)

    # The form and its number, cited on the document.
    assert documents.form_line(entry) in lines
    if entry["form"]:
        assert entry["form"] in lines[0]
    # Title (a line of its own), subject, legal basis, content items, recipients.
    assert entry["title"] in lines, f"{code}: title"
    if entry.get("subject"):
        assert any(line.startswith(entry["subject"]) for line in lines), f"{code}: subject"
    for group in ("legal_basis", "content", "recipients"):
        for part in entry[group]:
            assert part in text, f"{code}: {group} {part!r} missing"
    # Signatory: the competent person (Giám đốc Sở…), never "Thủ trưởng UBND".
    if entry["signatory"] == "competent":
        title, _full = documents.competent_title(case.authority)
        assert title.upper() in lines and title == "Giám đốc"
    else:
        assert any(line.startswith(entry["signatory"]) for line in lines), f"{code}: signatory"
    if code == "quyet_dinh_giai_quyet_khieu_nai":  # Art 32: the direct superior, by its title
        assert "- Chủ tịch Ủy ban nhân dân Thành phố Hà Nội (cấp trên trực tiếp" in text
        # Art 31(2): the dialogue's result, from its minutes, not a dotted line.
        result = lines[lines.index("III. Kết quả đối thoại") + 1]
        assert "Kết quả: Giữ nguyên yêu cầu" in result and documents.PLACEHOLDER not in result
    assert "Thủ trưởng" not in text and "THỦ TRƯỞNG" not in text
    assert rendering.PLACEHOLDER_HINT in lines or entry["signatory"] != "competent"
    # Agency, superior body, number/symbol, place and date from data.
    assert "SỞ XÂY DỰNG HÀ NỘI" in lines and "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI" in lines
    assert any(re.fullmatch(r"Số:\s+/\S*-SXD|Số:\s+/SXD", line) for line in lines), f"{code}: number"
    assert re.search(r"^Hà Nội, ngày \d{2} tháng \d{2} năm \d{4}$", text, flags=re.M)
    assert case.reference in text
    # Everything rendered; Vietnamese in NFC.
    assert "{{" not in xml and "{%" not in xml
    assert unicodedata.is_normalized("NFC", xml)
    assert "Khiếu nại" in text or "tố cáo" in text or "kiến nghị" in text
    # No denouncer identity in what the accused, another body or the file gets.
    if case.kind == "denunciation" and template.recipient != "complainant":
        for secret in SECRETS:
            assert secret not in xml, f"{code}: denouncer identity in a document to the {template.recipient}"
        assert not rendered.identity_included
    if template.recipient == "complainant" and case.kind != "anonymous_report":
        assert PERSON["full_name"] in text and rendered.identity_included


def test_the_second_level_decision_is_form_16_with_the_content_of_article_40(world):
    case = build(world, "quyet_dinh_giai_quyet_khieu_nai")
    case.complaint_level = "second"  # the same case heard at second level
    rendered = documents.render_notice(
        case=case, code="quyet_dinh_giai_quyet_khieu_nai", user=world.user(Role.HEAD_OF_AGENCY)
    )
    entry = documents.form_entry("quyet_dinh_giai_quyet_khieu_nai", case)
    assert entry["form"] == "Mẫu số 16"
    assert rendered.text.splitlines()[0].startswith("Mẫu số 16")
    for part in entry["content"] + entry["recipients"]:
        assert part in rendered.text
    assert "khiếu nại lần hai đến" not in rendered.text  # only the court is left (Art 40(2)(l))
    assert "(cấp trên trực tiếp của người giải quyết khiếu nại)" not in rendered.text


def test_a_ward_signs_as_chairperson_of_the_peoples_committee(world):
    title, full = documents.competent_title(world.hn_ward)
    assert (title, full) == ("Chủ tịch", "Chủ tịch Ủy ban nhân dân phường Hoàn Kiếm")
    assert documents.competent_title(world.hn_sxd) == ("Giám đốc", "Giám đốc Sở Xây dựng Hà Nội")


def test_a_signed_form_keeps_the_competent_title_and_gets_the_name(world):
    case = build(world, "thu_ly_khieu_nai")
    rendered = documents.render_notice(
        case=case, code="thu_ly_khieu_nai", user=world.user(Role.HEAD_OF_AGENCY)
    )
    signed = rendering.docx_with_signatory(rendered.content, title="Giám đốc", name="Đỗ Văn Hùng")
    lines = documents.docx_text(signed).splitlines()
    assert "GIÁM ĐỐC" in lines and "Đỗ Văn Hùng" in lines and rendering.PLACEHOLDER_HINT not in lines


def test_a_form_edited_in_word_still_renders(world, tmp_path, monkeypatch):
    """Word splits runs and adds attributes when an agency edits a template: docxtpl mends the tags,
    and the text readers take Word's paragraphs."""
    source = documents.TEMPLATES["thu_ly_khieu_nai"].docx_path()
    xml = _xml(source.read_bytes())
    xml = xml.replace("<w:p>", '<w:p w:rsidR="00A1B2C3">').replace(
        "{{ authority_name }} đã nhận",
        '{{ authority_name }}</w:t></w:r><w:r><w:t xml:space="preserve"> đã nhận',
    )
    edited = tmp_path / "thu_ly_khieu_nai.docx"
    edited.write_bytes(
        documents.docx_writer.repackage(source.read_bytes(), {"word/document.xml": xml.encode()})
    )
    monkeypatch.setattr(documents, "TEMPLATE_DIR", tmp_path)
    case = build(world, "thu_ly_khieu_nai")
    rendered = documents.render_notice(
        case=case, code="thu_ly_khieu_nai", user=world.user(Role.HEAD_OF_AGENCY)
    )
    assert "Sở Xây dựng Hà Nội đã nhận được đơn khiếu nại của" in rendered.text


def test_the_citizen_gets_a_pdf_beside_the_docx(world):
    # A missing LibreOffice or poppler fails loudly: scripts/install_services.sh installs both.
    assert shutil.which("soffice") and shutil.which("pdftotext"), "LibreOffice or poppler-utils missing"
    case = build(world, "thu_ly_khieu_nai")
    files = documents.notice_files(
        case=case, code="thu_ly_khieu_nai", user=world.user(Role.HEAD_OF_AGENCY), pdf=True
    )
    assert [f.content_type for f in files] == [documents.DOCX_TYPE, documents.PDF_TYPE]
    assert files[1].name == f"thu_ly_khieu_nai-{case.reference}.pdf"
    assert rendering.is_pdfa(files[1].content)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notice.pdf"
        path.write_bytes(files[1].content)
        out = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"],
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
    text = unicodedata.normalize("NFC", out)
    for part in (
        "Mẫu số 03",
        "THÔNG BÁO",
        "Về việc thụ lý giải quyết khiếu nại lần đầu",
        "SỞ XÂY DỰNG HÀ NỘI",
        "GIÁM ĐỐC",
        PERSON["full_name"],
        "Thanh tra cùng cấp",
    ):
        assert part in text, part
    # A document to the accused gets no PDF copy for the citizen.
    accused = documents.notice_files(
        case=build(world, "thu_ly_to_cao_tb_nguoi_bi_to_cao"),
        code="thu_ly_to_cao_tb_nguoi_bi_to_cao",
        user=world.user(Role.HEAD_OF_AGENCY),
        pdf=True,
    )
    assert [f.content_type for f in accused] == [documents.DOCX_TYPE]


def test_a_notice_with_only_a_text_template_still_renders(world, tmp_path, settings, monkeypatch):
    """A new NoticeTemplate may start as ``<code>.txt`` (Django template, line markup) before its
    Word template exists: same layout, the signature placeholder the signing step fills."""
    folder = tmp_path / "cases" / "documents"
    folder.mkdir(parents=True)
    (folder / "tb_thu_nghiem.txt").write_text(
        "{% autoescape off %}# THÔNG BÁO\n## Về việc thử nghiệm\n"
        "Kính gửi: {{ party.full_name }}.\n{% endautoescape %}",
        encoding="utf-8",
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {**engine, "DIRS": [str(tmp_path), *engine.get("DIRS", [])]},
        *settings.TEMPLATES[1:],
    ]
    template = documents.NoticeTemplate(
        "tb_thu_nghiem",
        "Thông báo thử nghiệm",
        "Test notice",
        frozenset({"complaint"}),
        frozenset(),
        "complainant",
        "notice",
        "Luật Khiếu nại 2011",
        "complainant",
    )
    monkeypatch.setitem(documents.TEMPLATES, template.code, template)
    case = build(world, "thu_ly_khieu_nai")
    rendered = documents.render_notice(case=case, code="tb_thu_nghiem", user=world.user(Role.HEAD_OF_AGENCY))
    text = documents.docx_text(rendered.content)
    assert "Về việc thử nghiệm" in text and PERSON["full_name"] in text
    assert "SỞ XÂY DỰNG HÀ NỘI" in text and rendering.PLACEHOLDER_TITLE in text


def test_the_verification_team_is_filled_from_the_team_assigned(world):
    """Mẫu 07 and the working minutes (Mẫu 08) name the members the head assigned (Decree 31/2019
    Art 10), not a dotted line."""
    from cases import services

    from .conftest import accepted

    case = accepted(world, "denunciation")
    inspector, member = world.user(Role.INSPECTOR), world.user(Role.HEAD_OF_UNIT)
    member.first_name, member.last_name = "Hùng", "Đỗ Văn"
    member.save()
    services.case_start_verification(case=case, actor=inspector, plan="Xác minh", team=[inspector, member])
    for code in ("qd_to_xac_minh", "bien_ban_lam_viec_to_cao"):
        text = documents.render_notice(case=case, code=code, user=world.user(Role.HEAD_OF_AGENCY)).text
        line = next(line for line in text.splitlines() if "Tổ trưởng" in line or "Thành viên" in line)
        assert "Đỗ Văn Hùng" in text, code
        if code == "qd_to_xac_minh":
            assert "– Ông/Bà Đỗ Văn Hùng, Thành viên." in text.splitlines()  # an en dash in the form
        else:
            assert documents.PLACEHOLDER not in line
