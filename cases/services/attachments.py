"""Documents on a case: staff uploads, and what the complainant or denouncer adds to their open case
(in writing, as files, or both)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .. import files as filecheck
from .. import permissions, rules, workflow
from ..actors import Actor, Citizen, history_user, stamp
from ..errors import ValidationError
from ..models import Attachment, Case, CaseEvent, Visibility
from ..models import CaseKind as K
from ..storage import EncryptedFileSystemStorage
from ..storage import private_storage as storage_for_private
from .base import STATE, clean_text, lock, record, save


@dataclass
class FileInput:
    name: str
    content: bytes
    content_type: str
    kind: str = Attachment.Kind.EVIDENCE
    description: str = ""
    # Set by staff for documents that carry a denouncer's identity (Law on Denunciations Art 56(2)).
    contains_identity: bool = False


def private_storage() -> EncryptedFileSystemStorage:
    """Encrypted at rest, files 0600 (``cases.storage``)."""
    return storage_for_private()


def attachment_create(
    *, case: Case, upload: FileInput, actor: Actor, visibility: str, kind: str | None = None
) -> Attachment:
    """Store one checked file in private storage and its row (with its history record)."""
    filecheck.validate_files([upload])
    content_type = filecheck.sniff_content_type(upload.content)
    if content_type is None:  # validate_files refused anything else; a real check under -O too
        raise ValidationError(_("Tệp đính kèm không hợp lệ."))
    digest = hashlib.sha256(upload.content).hexdigest()
    safe = filecheck.sanitise_filename(upload.name)
    stem = Path(safe).stem[:80] or "tep"
    extension = rules.ALLOWED_TYPES[content_type]
    saved = private_storage().save(
        f"{case.reference}/{digest[:16]}-{stem}{extension}", ContentFile(upload.content)
    )
    from_citizen = isinstance(actor, Citizen)
    attachment = Attachment(
        case=case,
        original_name=f"{stem}{extension}",
        sha256=digest,
        size=len(upload.content),
        content_type=content_type,
        kind=kind or upload.kind,
        visibility=visibility,
        # What a denouncer sends carries their handwriting and identity (Art 56(2)).
        contains_identity=upload.contains_identity or (case.kind == K.DENUNCIATION and from_citizen),
        description=rules.strip_control_characters(upload.description)[
            : rules.max_length("attachment_description")
        ],
        uploaded_by=history_user(actor),
    )
    attachment.file.name = saved
    stamp(attachment, history_user(actor), "uploaded")
    attachment.save()
    return attachment


@transaction.atomic
def attachment_add(
    *,
    case: Case,
    actor: Actor,
    files: Sequence[FileInput],
    visibility: str = Visibility.INTERNAL,
    note: str = "",
) -> list[Attachment]:
    """Add documents: staff (visibility chosen), or the complainant through tracking
    (``Citizen.with_key``), whose documents are always visible to them."""
    created, _event = _attachments_add(case=case, actor=actor, files=files, visibility=visibility, note=note)
    return created


def _attachments_add(
    *, case: Case, actor: Actor, files: Sequence[FileInput], visibility: str, note: str
) -> tuple[list[Attachment], CaseEvent]:
    case = lock(case)
    citizen = isinstance(actor, Citizen)
    permissions.check_can("supplement" if citizen else "attach", actor, case)
    if citizen and case.status not in workflow.OPEN_STATES:
        raise ValidationError(_("Hồ sơ đã kết thúc, không thể bổ sung."), code=STATE)
    if not files:
        raise ValidationError(_("Chưa chọn tệp."), field_errors={"files": [_("Chưa chọn tệp.")]})
    existing = case.attachments.filter(uploaded_by__isnull=True) if citizen else case.attachments.none()
    filecheck.validate_files(files, existing.count(), sum(existing.values_list("size", flat=True)))
    created = [
        attachment_create(
            case=case,
            upload=f,
            actor=actor,
            visibility=Visibility.COMPLAINANT if citizen else visibility,
            kind=Attachment.Kind.SUPPLEMENT if citizen else f.kind,
        )
        for f in files
    ]
    event = record(
        case,
        "attachment.added",
        actor,
        visibility=Visibility.COMPLAINANT
        if (citizen or visibility != Visibility.INTERNAL)
        else Visibility.INTERNAL,
        data={
            "attachments": [a.pk for a in created],
            "names": [a.original_name for a in created],
            "note": note,
        },
    )
    # What a citizen sends is not handling: it must not make a stalled case look active.
    save(case, actor, "attachments added", [], [event], activity=not citizen)
    return created, event


@transaction.atomic
def case_supplement(
    *, case: Case, actor: Citizen, text: str = "", files: Sequence[FileInput] = ()
) -> CaseEvent:
    """The complainant or denouncer adds to their open case through tracking: information in
    writing, documents, or both (Law on Complaints 2011 Art 12(1): present evidence and explain it;
    Law on Denunciations 2018 Art 9(2)(b): provide the information and documents one has). With
    files it is ``attachment_add`` with the text as its note; without, a ``case.supplemented``
    event the handler sees in the timeline. Returns the event."""
    text = clean_text("supplement_text", text)
    if files:
        _created, event = _attachments_add(
            case=case, actor=actor, files=files, visibility=Visibility.COMPLAINANT, note=text
        )
        return event
    if not text:
        raise ValidationError(
            _("Vui lòng nhập nội dung bổ sung hoặc chọn tệp."),
            field_errors={"text": [_("Vui lòng nhập nội dung bổ sung hoặc chọn tệp.")]},
        )
    case = lock(case)
    permissions.check_can("supplement", actor, case)
    if case.status not in workflow.OPEN_STATES:
        raise ValidationError(_("Hồ sơ đã kết thúc, không thể bổ sung."), code=STATE)
    event = record(case, "case.supplemented", actor, visibility=Visibility.COMPLAINANT, data={"text": text})
    save(case, actor, "supplement", [], [event], activity=False)
    return event
