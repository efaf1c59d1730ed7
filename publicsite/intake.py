"""Online intake plumbing shared by the web wizard and the JSON API: reading and checking uploads,
the wizard's draft (encrypted in the session, files staged in private storage), validating a
whole submission with the forms, and calling ``cases.services.case_submit``."""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, pgettext

from cases import files as filecheck
from cases import rules, services
from cases.actors import Citizen
from cases.crypto import decrypt, encrypt
from cases.deadline_services import accept_codes
from cases.models import Attachment, Authority, CaseKind, Deadline
from cases.selectors import time_limits_in_force
from cases.storage import read_private_file, write_private_file

from .forms import ContentForm, KindForm, PersonForm, ReviewForm, validate_group

logger = logging.getLogger(__name__)

DRAFT_KEY = "publicsite.intake"
RECEIPT_KEY = "publicsite.receipt"
STAGE_DIR = "_intake"


# ------------------------------------------------------------------------------ uploads


@dataclass
class UploadCheck:
    files: list[services.FileInput] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    status: int = 200  # the HTTP status the API answers with: 413 size, 415 type, 400 count

    @property
    def ok(self) -> bool:
        return not self.errors


def read_uploads(uploads, existing_count: int = 0, existing_bytes: int = 0) -> UploadCheck:
    """Check uploaded files with the rule every door uses (``cases.files.file_problems``: count,
    size per file and in total, the type sniffed from the bytes; the name and the Content-Type the
    browser sent are ignored), with the messages in the page's language."""
    check = UploadCheck()
    uploads = [u for u in uploads if u is not None]
    read = []
    for upload in uploads:
        name = filecheck.sanitise_filename(getattr(upload, "name", "") or "")
        size = getattr(upload, "size", None) or 0
        content = upload.read() if size <= rules.MAX_FILE_BYTES else None
        if content is not None:
            size = max(size, len(content))
        read.append((name, size, content))
    problems = filecheck.file_problems(read, existing_count=existing_count, existing_bytes=existing_bytes)
    check.errors = [p.message for p in problems]
    statuses = {p.status for p in problems}
    for status in (413, 415, 400):
        if status in statuses:
            check.status = status
            break
    if not check.errors:
        check.files = [
            services.FileInput(
                name=name, content=content, content_type=filecheck.sniff_content_type(content) or ""
            )
            for name, _size, content in read
        ]
    return check


def request_too_large(request) -> bool:
    """Refuse bodies bigger than every file allowed plus the form fields, before parsing them."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > rules.MAX_TOTAL_BYTES + 2 * 1024 * 1024


# ------------------------------------------------------------------------------ validation


@dataclass
class Submission:
    kind: str
    people: list[dict]
    content: dict
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _form_errors(form, prefix: str = "") -> dict[str, list[str]]:
    return {f"{prefix}{name}": [str(e) for e in errs] for name, errs in form.errors.items()}


def validate_kind(data: dict) -> tuple[str | None, dict]:
    form = KindForm(data={"kind": data.get("kind", "")})
    if form.is_valid():
        return form.cleaned_data["kind"], {}
    return None, _form_errors(form)


def validate_people(kind: str, people: list[dict]) -> tuple[list[dict], dict, list[PersonForm]]:
    if kind == CaseKind.ANONYMOUS_REPORT:
        if any(any(str(v).strip() for k, v in p.items() if k != "is_representative") for p in people):
            return (
                [],
                {"parties": [pgettext("public", "Tin báo không nêu tên không kèm thông tin cá nhân.")]},
                [],
            )
        return [], {}, []
    errors: dict[str, list[str]] = {}
    if not people:
        return [], {"parties": [pgettext("public", "Cần thông tin của ít nhất một người gửi đơn.")]}, []
    is_group = len(people) > 1
    forms_ = [PersonForm(data=p, kind=kind, is_group=is_group, prefix=None) for p in people]
    for i, form in enumerate(forms_):
        if not form.is_valid():
            errors.update(_form_errors(form, f"parties.{i}."))
    if not errors:
        group_errors = validate_group(forms_)
        if group_errors:
            errors["parties"] = group_errors
    cleaned = [dict(f.cleaned_data) for f in forms_] if not errors else []
    return cleaned, errors, forms_


def validate_content(kind: str, content: dict) -> tuple[dict, dict, ContentForm]:
    form = ContentForm(data=content, kind=kind)
    if form.is_valid():
        return dict(form.cleaned_data), {}, form
    return {}, _form_errors(form), form


def signers(kind: str, people: list[dict]) -> list[str]:
    if kind == CaseKind.ANONYMOUS_REPORT or not people:
        return []
    reps = [p["full_name"] for p in people if p.get("is_representative")]
    return reps or [people[0]["full_name"]]


def validate_review(kind: str, people: list[dict], review: dict) -> tuple[dict, ReviewForm]:
    form = ReviewForm(data=review, kind=kind, signers=signers(kind, people))
    return ({} if form.is_valid() else _form_errors(form)), form


# ------------------------------------------------------------------------------ submitting


@dataclass
class Receipt:
    reference: str
    access_key: str
    kind: str
    status: str
    received_at: str
    acceptance_due: str | None
    acceptance_title_vi: str
    acceptance_title_en: str
    acceptance_basis_vi: str
    acceptance_basis_en: str
    acceptance_provisional: list[str]  # ISO days off, not yet confirmed, the due date rests on
    authority_code: str | None
    # The resolution limit that runs once the letter is accepted (K4, K5, K6 or T4), in the rule
    # table's words: a discipline complaint's receipt names K6 (Law on Complaints 2011 Art 50).
    resolution: dict[str, str]
    attachments: list[str]
    contact_given: bool

    def as_session(self) -> str:
        """The receipt as the session keeps it until the receipt page is shown once: encrypted
        with the field keys like the wizard draft, since it carries the access key."""
        return encrypt(json.dumps(self.__dict__, default=str))

    @staticmethod
    def from_session(raw) -> dict | None:
        if not isinstance(raw, str):
            return None
        try:
            return json.loads(decrypt(raw))
        except (ValueError, TypeError):
            return None


def acceptance_deadline(case) -> Deadline | None:
    """The expected acceptance deadline: the case's first open deadline (K3, T1 or R4)."""
    return (
        case.deadlines.filter(state=Deadline.State.OPEN)
        .exclude(rule_code__in=sorted(rules.CONFIDENTIAL_RULES))
        .order_by("due_at")
        .first()
    )


def _first_due(deadlines: list[Deadline]) -> Deadline | None:
    """As :func:`acceptance_deadline`, from the deadlines ``case_submit`` has just opened."""
    opened = [d for d in deadlines if d.state == Deadline.State.OPEN]
    return min(opened, key=lambda d: (d.due_at, d.pk), default=None)


def submit(*, kind: str, people: list[dict], content: dict, files: list[services.FileInput]) -> Receipt:
    """Hand a validated submission to the case service. Raises ``cases.errors.ValidationError``."""
    language = "en" if (get_language() or "vi").startswith("en") else "vi"
    codes = {content.get("authority") or "", content.get("accused_authority") or ""} - {""}
    by_code = {a.code: a for a in Authority.objects.filter(code__in=codes)}
    description = content["description"]
    discipline = kind == CaseKind.COMPLAINT and bool(content.get("discipline"))
    if content.get("delay_reason"):
        days = rules.complaint_limitation_days(discipline=discipline)
        description += (
            f"\n\n[Lý do gửi đơn sau {days} ngày / reason for filing after {days} days]\n"
            + content["delay_reason"]
        )
    parties = [
        services.PartyInput(
            full_name=p["full_name"],
            national_id=p.get("national_id", ""),
            address=p.get("address", ""),
            phone=p.get("phone", ""),
            email=p.get("email", ""),
            is_representative=bool(p.get("is_representative")) or len(people) == 1,
            language=language,
        )
        for p in people
    ]
    result = services.case_submit(
        kind=kind,
        subject=content["subject"],
        description=description,
        parties=parties,
        authority=by_code.get(content.get("authority") or ""),
        contested_act=content.get("contested_act", ""),
        contested_act_known_on=content.get("contested_act_known_on"),
        accused_name=content.get("accused_name", ""),
        accused_position=content.get("accused_position", ""),
        accused_authority=by_code.get(content.get("accused_authority") or ""),
        discipline=discipline,
        dismissal=discipline and bool(content.get("dismissal")),
        files=files,
        actor=Citizen.filing(),
    )
    case = result.case
    deadline = _first_due(result.deadlines)
    resolution_codes = [c for c in accept_codes(case) if c in rules.RESOLUTION_RULES]
    limits = time_limits_in_force(resolution_codes, timezone.localdate(case.received_at))
    logger.info("online submission registered: %s (%s)", case.reference, kind)
    return Receipt(
        reference=case.reference,
        access_key=result.access_key,
        kind=kind,
        status=case.status,
        received_at=case.received_at.isoformat(),
        acceptance_due=deadline.due_date.isoformat() if deadline else None,
        acceptance_title_vi=deadline.title_vi if deadline else "",
        acceptance_title_en=deadline.title_en if deadline else "",
        acceptance_basis_vi=deadline.legal_basis_vi if deadline else "",
        acceptance_basis_en=deadline.legal_basis_en if deadline else "",
        acceptance_provisional=list(deadline.unconfirmed_days or []) if deadline else [],
        authority_code=case.authority.code if case.authority_id else None,
        resolution=dict(limits[0].__dict__) if limits else {},
        attachments=(
            list(case.attachments.order_by("pk").values_list("original_name", flat=True)) if files else []
        ),
        contact_given=any(p.email or p.phone for p in parties),
    )


# ------------------------------------------------------------------------------ the wizard's draft


def _stage_root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT) / STAGE_DIR


def new_draft() -> dict:
    return {"v": 1, "updated": int(time.time()), "kind": "", "people": [], "content": {}, "files": []}


def load_draft(request) -> dict:
    raw = request.session.get(DRAFT_KEY)
    if not raw:
        return new_draft()
    try:
        draft = json.loads(decrypt(raw))
    except (ValueError, TypeError):
        return new_draft()
    if int(time.time()) - int(draft.get("updated", 0)) > settings.PUBLIC_INTAKE_DRAFT_SECONDS:
        discard_draft(request, draft)
        return new_draft()
    return draft


def save_draft(request, draft: dict) -> None:
    """Identity typed into the form is encrypted before it reaches the session store."""
    draft["updated"] = int(time.time())
    request.session[DRAFT_KEY] = encrypt(json.dumps(draft, default=str))


def discard_draft(request, draft: dict | None = None) -> None:
    draft = draft if draft is not None else load_draft(request)
    stage = draft.get("stage")
    if stage:
        shutil.rmtree(_stage_root() / stage, ignore_errors=True)
    request.session.pop(DRAFT_KEY, None)


def _stage_dir(draft: dict) -> Path:
    if not draft.get("stage"):
        draft["stage"] = secrets.token_hex(16)
        purge_stale_stages()
    path = _stage_root() / draft["stage"]
    path.mkdir(parents=True, exist_ok=True)
    return path


def purge_stale_stages(max_age: int | None = None) -> int:
    """Remove staged files of drafts nobody finished (older than the draft lifetime + 1 h)."""
    max_age = max_age if max_age is not None else settings.PUBLIC_INTAKE_DRAFT_SECONDS + 3600
    root = _stage_root()
    removed = 0
    if not root.exists():
        return 0
    cutoff = time.time() - max_age
    for child in root.iterdir():
        try:
            if child.is_dir() and child.stat().st_mtime < cutoff:
                shutil.rmtree(child, ignore_errors=True)
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def stage_files(draft: dict, files: list[services.FileInput]) -> None:
    directory = _stage_dir(draft)
    for f in files:
        token = secrets.token_hex(8)
        write_private_file(directory / f"{token}.bin", f.content)  # encrypted, 0600
        draft["files"].append(
            {"id": token, "name": f.name, "size": len(f.content), "content_type": f.content_type}
        )


def unstage_files(draft: dict, ids: list[str]) -> None:
    keep = []
    for meta in draft.get("files", []):
        if meta["id"] in ids:
            if draft.get("stage"):
                (_stage_root() / draft["stage"] / f"{meta['id']}.bin").unlink(missing_ok=True)
        else:
            keep.append(meta)
    draft["files"] = keep


def staged_inputs(draft: dict) -> list[services.FileInput]:
    inputs = []
    for meta in draft.get("files", []):
        path = _stage_root() / (draft.get("stage") or "-") / f"{meta['id']}.bin"
        if path.exists():
            inputs.append(
                services.FileInput(
                    name=meta["name"],
                    content=read_private_file(path),
                    content_type=meta["content_type"],
                    kind=Attachment.Kind.EVIDENCE,
                )
            )
    return inputs


def staged_totals(draft: dict) -> tuple[int, int]:
    files = draft.get("files", [])
    return len(files), sum(int(f["size"]) for f in files)


def first_incomplete_step(draft: dict) -> int | None:
    """The first step whose stored answers do not pass (re)validation; None when all pass. The
    kind may have changed after later steps were filled, so every step is checked again."""
    kind, errors = validate_kind({"kind": draft.get("kind", "")})
    if errors or kind is None:
        return 1
    if kind != CaseKind.ANONYMOUS_REPORT:
        _, errors, _forms = validate_people(kind, draft.get("people") or [])
        if errors or not draft.get("people_done"):
            return 2
    _, errors, _form = validate_content(kind, draft.get("content") or {})
    if errors or not draft.get("content_done"):
        return 3
    return None
