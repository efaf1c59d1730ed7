# ------------------------------------------------------------------------------------ context


def _last_event(case: Case, kind: str) -> dict:
    event = CaseEvent.objects.filter(case=case, kind=kind).order_by("-seq").first()
    return event.data if event else {}


def _event_date(case: Case, kind: str) -> str:
    event = CaseEvent.objects.filter(case=case, kind=kind).order_by("-seq").first()
    return _d(event.created_at) if event is not None and getattr(event, "created_at", None) else ""


def _reason(code: str, on: dt.date | None = None):
    """The version of reason ``code`` in force on ``on`` (the day it was given)."""
    for table in (REJECTION_REASONS, SUSPENSION_REASONS, TERMINATION_REASONS):
        reason = table.get(code, on)
        if reason is not None:
            return reason
    return None


def _laws(on: dt.date) -> dict[str, str]:
    """The instruments cited, as in force on ``on`` (versioned by effective date)."""
    amended = on >= AMENDMENTS_IN_FORCE
    law_amend = ", được sửa đổi, bổ sung bởi Luật số 136/2025/QH15" if amended else ""
    return {
        "law_complaints": f"Luật Khiếu nại số 02/2011/QH13{law_amend}",
        "law_denunciations": f"Luật Tố cáo số 25/2018/QH14{law_amend}",
        "law_reception": f"Luật Tiếp công dân số 42/2013/QH13{law_amend}",
        "decree_complaints": "Nghị định số 124/2020/NĐ-CP của Chính phủ quy định chi tiết một số điều và "
        "biện pháp thi hành Luật Khiếu nại"
        + (", được sửa đổi, bổ sung bởi Nghị định số 155/2026/NĐ-CP" if amended else ""),
        "decree_denunciations": "Nghị định số 31/2019/NĐ-CP ngày 10 tháng 4 năm 2019 của Chính phủ quy định "
        "chi tiết một số điều và biện pháp tổ chức thi hành Luật Tố cáo"
        + (", được sửa đổi, bổ sung bởi Nghị định số 156/2026/NĐ-CP" if amended else ""),
        "circular_letters": "Thông tư số 05/2021/TT-TTCP ngày 01 tháng 10 năm 2021 của Thanh tra Chính phủ quy "
        "định quy trình xử lý đơn khiếu nại, đơn tố cáo, đơn kiến nghị, phản ánh",
    }


_REMEDIES = {
    "right": "Khiếu nại là đúng. Yêu cầu sửa đổi, hủy bỏ quyết định hành chính hoặc chấm dứt hành vi hành "
    "chính bị khiếu nại: {act}.",
    "partly_right": "Khiếu nại là đúng một phần. Yêu cầu sửa đổi, bổ sung một phần quyết định hành chính hoặc "
    "chấm dứt một phần hành vi hành chính bị khiếu nại: {act}.",
    "wrong": "Khiếu nại là sai. Giữ nguyên quyết định hành chính, hành vi hành chính bị khiếu nại: {act}.",
}


def _context(
    *, case: Case, template: NoticeTemplate, parties: list[dict], today: dt.date, number: str
) -> dict:
    entry = template.entry(case)
    laws = _laws(today)
    authority = case.authority
    authority_name = _expand(authority.name_vi) if authority is not None else PLACEHOLDER
    short_title, full_title = competent_title(authority)
    party = parties[0] if parties else {}
    second = case.complaint_level == "second"
    resolution = (
        case.deadlines.filter(rule_code__in=["K4", "K5", "K6", "T4", "R4"]).order_by("-due_at").first()
    )
    reason = _reason(case.reason_code) if case.reason_code else None
    ext = _last_event(case, "case.extended")
    transfer = _last_event(case, "case.transferred")
    suspended = _last_event(case, "case.suspended")
    ended = _last_event(case, "case.terminated")
    dialogue = _last_event(case, "case.dialogue_scheduled")
    guided = _last_event(case, "case.guided")
    withdrawn = _last_event(case, "case.withdrawn")
    conclusion = _last_event(case, "case.concluded") or _last_event(case, "case.decided")
    suspend_reason = _reason(suspended.get("reason_code", "")) if suspended.get("reason_code") else None
    end_reason = _reason(ended.get("reason_code", "")) if ended.get("reason_code") else None
    when = dialogue.get("when", "")
    accused = case.accused_name or (
        case.accused_authority.name_vi if case.accused_authority is not None else ""
    )
    assignee = case.assignee
    ph = PLACEHOLDER
    superior_short, superior_full = competent_title(authority.parent if authority is not None else None)
    if second:
        appeal = (
            "Trong thời hạn theo quy định của pháp luật về tố tụng hành chính, nếu không đồng ý với quyết "
            "định này, Ông/Bà có quyền khởi kiện vụ án hành chính tại Tòa án."
        )
    else:
        appeal = (
            "Trong thời hạn quy định tại Điều 33 của Luật Khiếu nại, nếu không đồng ý với quyết định này, "
            f"Ông/Bà có quyền khiếu nại lần hai đến {superior_full} hoặc khởi kiện vụ án hành chính tại Tòa án "
            "theo quy định của Luật Tố tụng hành chính."
        )
    context = {
        **laws,
        "ph": ph,
        "form_line": form_line(entry, today),
        "issuer_parent": (
            _expand(authority.parent.name_vi).upper()
            if authority is not None
            and authority.parent is not None
            and authority.level not in ("provincial", "commune")
            else ""
        ),
        "issuer": authority_name.upper(),
        "number_line": f"Số: {number}" if number else f"Số:        /{_symbol(entry, authority)}",
        "dateline": (f"{_place(case)}, " if _place(case) else "") + _date_words(today),
        "today": _d(today),
        "authority_name": authority_name,
        "competent": full_title,
        "competent_upper": full_title.upper(),
        "signatory_title": short_title.upper(),
        "resolver": full_title,
        "competence_basis": f"quy định về chức năng, nhiệm vụ, quyền hạn của {authority_name}",
        "reference": case.reference,
        "subject": case.subject,
        "kind_label": case.get_kind_display().lower(),
        "level": "lần hai" if second else "lần đầu",
        "is_second": second,
        "accept_article": "Điều 36" if second else "Điều 27",
        "accept_rule": (
            f"khoản 1 Điều 29 {laws['law_denunciations']}"
            if case.kind == K.DENUNCIATION
            else f"Điều 27 {laws['law_complaints']}"
        ),
        "party_name": party.get("full_name") or ph,
        "party_address": party.get("address") or ph,
        "party_id": party.get("national_id") or ph,
        "show_sender": template.includes_identity(case.kind) and bool(parties),
        "accused": accused or ph,
        "accused_position": case.accused_position,
        "contested_act": case.contested_act or ph,
        "received_on": _d(case.received_at),
        "accepted_on": _d(case.accepted_at) or ph,
        "decided_on": _d(case.decided_at) or ph,
        "resolution_due": _d(resolution.due_date) if resolution else "",
        "outcome": case.get_outcome_display() if case.outcome else ph,
        "outcome_summary": case.outcome_summary or ph,
        "remedy": _REMEDIES.get(case.outcome, "{act}: " + ph).format(act=case.contested_act or ph),
        "compensation": ph,
        "appeal_right": appeal,
        "first_level_result": ph,
        "dialogue_result": ph,
        "decision_number": conclusion.get("decision_number") or number or ph,
        "violation_basis": ph,
        "reason_label": reason.label_vi if reason else ph,
        "reason_basis": reason.legal_basis if reason else ph,
        "reason_text": case.reason_text,
        "complexity": case.get_complexity_display().lower() if case.complexity else ph,
        "ext_no": str(ext.get("extension") or 1),
        "ext_days": str(ext.get("days") or 30),
        "ext_due": _iso_d(ext.get("new_due_date")) or ph,
        "ext_justification": ext.get("justification") or ph,
        "ext_number": ext.get("decision_number") or number or ph,
        "transfer_to": case.transferred_to.name_vi if case.transferred_to is not None else ph,
        "transfer_note": transfer.get("note", ""),
        "transferred_on": _event_date(case, "case.transferred") or ph,
        "suspended_on": _event_date(case, "case.suspended") or ph,
        "suspend_label": suspend_reason.label_vi if suspend_reason else ph,
        "suspend_basis": suspended.get("legal_basis") or ph,
        "suspend_text": suspended.get("reason_text", ""),
        "end_label": end_reason.label_vi if end_reason else ("Người khiếu nại rút đơn" if withdrawn else ph),
        "end_basis": ended.get("legal_basis") or ("Điều 10 Luật Khiếu nại" if withdrawn else ph),
        "end_text": ended.get("reason_text") or withdrawn.get("statement", ""),
        "resumed_on": _event_date(case, "case.resumed") or ph,
        "resume_note": _last_event(case, "case.resumed").get("note") or ph,
        "dialogue_date": _iso_d(when) or ph,
        "dialogue_time": when[11:16] if len(when) >= 16 else "….. giờ …..",
        "dialogue_place": dialogue.get("place") or ph,
        "dialogue_agenda": dialogue.get("agenda") or ph,
        "dialogue_article": "39" if second else "30",
        "guide_to": (
            Authority.objects.filter(code=guided["to"]).values_list("name_vi", flat=True).first() or ph
            if guided.get("to")
            else ph
        ),
        "guidance": guided.get("guidance", ""),
        "guidance_basis": (
            f"khoản 2 Điều 24 {laws['law_denunciations']}"
            if case.kind == K.DENUNCIATION
            else laws["law_complaints"]
        ),
        "withdraw_scope": "toàn bộ",
        "withdraw_reason": withdrawn.get("statement") or ph,
        "inspector": (assignee.get_full_name() or assignee.get_username()) if assignee is not None else ph,
        "verify_days": "30",
        "expert_body": ph,
        "expert_question": ph,
        "expert_due": ph,
        "attachments": f"{case.attachments.filter(kind=Attachment.Kind.EVIDENCE).count()} tệp",
        "privacy_line": (
            "Văn bản này không chứa thông tin nhân thân người tố cáo (Điều 56 Luật Tố cáo)."
            if template.recipient in ("accused", "authority", "file") and case.kind == K.DENUNCIATION
            else ""
        ),
        # The legacy .txt templates read these.
        "case": case,
        "authority_upper": authority_name.upper(),
        "parties": parties,
        "party": party or {"full_name": ph, "address": ph},
        "accepted_on_date": timezone.localtime(case.accepted_at).date() if case.accepted_at else None,
        "extension": ext,
        "transfer": transfer,
        "conclusion": conclusion,
        "placeholder": ph,
        "number": number,
        "superior": superior_full if superior_short else "",
    }
    return context


@dataclass
class Rendered:
    template: NoticeTemplate
    filename: str
    content: bytes
    identity_included: bool
    text: str


def _render_docx(path: Path, context: dict) -> bytes:
    from docxtpl import DocxTemplate  # a heavy import (lxml, python-docx): only when rendering

    plain = {k: _nfc(v) for k, v in context.items() if isinstance(v, str | bool | int | list | dict)}
    document = DocxTemplate(str(path))
    document.render(plain, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    # Whatever an agency typed in Word is NFC too, and the package is reproducible.
    return docx_writer.repackage(
        buffer.getvalue(), {"word/document.xml": unicodedata.normalize("NFC", xml).encode("utf-8")}
    )


def render_notice(*, case: Case, code: str, user, number: str = "", today: dt.date | None = None) -> Rendered:
    """The document ``code`` for ``case`` as DOCX bytes. Reveals (and logs) the sender's identity
    only when the template is addressed to them and ``user`` holds the identity permission."""
    template = TEMPLATES[code]
    if case.kind not in template.kinds:
        raise ValueError(f"{code} does not apply to a {case.kind}")
    today = today or timezone.localdate()
    parties = []
    identity_included = False
    if template.includes_identity(case.kind):
        may_reveal = user is not None and permissions.user_can_view_identity(user, case)
        for party in case.parties.all():
            if may_reveal:
                revealed = party_identity_reveal(
                    user=user, party=party, reason=f"Lập văn bản: {template.title_vi} ({case.reference})"
                )
                parties.append(revealed)
                identity_included = True
            else:
                parties.append({"full_name": PLACEHOLDER, "address": PLACEHOLDER, "national_id": PLACEHOLDER})
    context = _context(case=case, template=template, parties=parties, today=today, number=number)
    path = template.docx_path()
    if path is not None:
        content = _render_docx(path, context)
        text = docx_text(content)
    else:
        text = render_to_string(f"cases/documents/{code}.txt", context)
        header = {
            "issuer_parent": context["issuer_parent"],
            "issuer": context["issuer"],
            "number": context["number_line"],
            "dateline": context["dateline"][:1].upper() + context["dateline"][1:],
        }
        content = build_docx(header=header, body=text, form=template.form, recipient=template.recipient)
    filename = f"{code}-{case.reference}.docx"
    return Rendered(template, filename, content, identity_included, text)


def notice_file(*, case: Case, code: str, user, number: str = "") -> FileInput:
    """The rendered notice as an upload for ``services.attachment_add`` (or ``case_conclude``)."""
    rendered = render_notice(case=case, code=code, user=user, number=number)
    return FileInput(
        name=rendered.filename,
        content=rendered.content,
        content_type=DOCX_TYPE,
        kind=rendered.template.attachment_kind,
        description=rendered.template.title_vi,
        # A denouncer's name in a file is secret (Art 56(2)): such a file is marked and guarded.
        contains_identity=rendered.identity_included and case.kind == K.DENUNCIATION,
    )


def notice_pdf(rendered: Rendered) -> bytes:
    """The PDF/A of a rendered notice (LibreOffice headless, ``cases.delivery.rendering``)."""
    pdf, _pdfa = rendering.to_pdf(rendered.content, DOCX_TYPE)
    return pdf


def notice_files(
    *, case: Case, code: str, user, number: str = "", pdf: bool | None = None
) -> list[FileInput]:
    """The notice as DOCX and, for a document addressed to the citizen, its PDF beside it (the citizen
    reads the PDF; the agency edits the DOCX). ``pdf=None``: only when LibreOffice is installed."""
    rendered = render_notice(case=case, code=code, user=user, number=number)
    secret = rendered.identity_included and case.kind == K.DENUNCIATION
    out = [
        FileInput(
            name=rendered.filename,
            content=rendered.content,
            content_type=DOCX_TYPE,
            kind=rendered.template.attachment_kind,
            description=rendered.template.title_vi,
            contains_identity=secret,
        )
    ]
    if pdf is None:
        pdf = rendering.soffice_path() is not None
    if pdf and rendered.template.recipient == "complainant":
        out.append(
            FileInput(
                name=rendered.filename.removesuffix(".docx") + ".pdf",
                content=notice_pdf(rendered),
                content_type=PDF_TYPE,
                kind=rendered.template.attachment_kind,
                description=f"{rendered.template.title_vi} (PDF)",
                contains_identity=secret,
            )
        )
    return out
