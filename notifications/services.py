"""Writes to the notification outbox.

The rule: a message is a row in ``Notification``, written in the same transaction as the change that
causes it, with a unique dedupe key (so the same message is never queued twice). After commit the row
is handed to Celery (``send_notification_task``); if the broker is down the row simply stays pending
and ``notification_drain`` (beat, every minute; or ``manage.py send_pending_notifications``) picks
it up later. Sending locks the row and checks its status, so two concurrent senders send it once.

Confidentiality (Law on Denunciations 2018, Art 56): the stored context and the rendered text are
redacted of every party's identity; staff messages carry the case reference, subject and deadlines
only; the accused official never gets a message about the case.

The receipt's access key is the one secret a message may carry: ``case_submit`` hands it to
``notify_case_event(secrets=...)`` for the ``case.received`` messages to the parties' own addresses.
It is stored encrypted in ``Notification.secrets_enc`` (never in the context), decrypted only by
``notification_send``, masked in the stored copy of the text and wiped from the row as soon as the
message is sent, finally fails or is cancelled."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cases.crypto import decrypt, encrypt
from cases.models import Authority, Case, CaseEvent, Membership, Party, Role, Visibility
from cases.workflow import OPEN_STATES
from config.bulk import copy_insert

from . import redaction
from .channels.email import send_email
from .channels.inapp import deliver_inapp
from .channels.sms import send_sms
from .models import Notification
from .rendering import (
    ALL_TEMPLATES,
    CITIZEN_TEMPLATES,
    normalise_language,
    render_context_for,
    render_message,
)

logger = logging.getLogger(__name__)

Channel = Notification.Channel
Status = Notification.Status

CITIZEN_VISIBILITIES = frozenset({Visibility.COMPLAINANT, Visibility.PUBLIC})
# Internal events that tell a staff member something (event kind -> template).
STAFF_EVENT_TEMPLATES = {"case.assigned": "case.assigned", "case.reassigned": "case.assigned"}
# What the complainant sends through tracking tells the assignee (never the text itself: staff read
# it in the workspace).
CITIZEN_SUPPLEMENT_EVENTS = frozenset({"case.supplemented", "attachment.added"})
DIGEST_ROLES = (Role.HEAD_OF_UNIT, Role.HEAD_OF_AGENCY)
DIGEST_DUE_SOON = timedelta(days=3)
DIGEST_MAX_ITEMS = 50
# The only events whose citizen messages may carry secrets, and the secrets they may carry.
SECRET_EVENTS = frozenset({"case.received"})
SECRET_KEYS = frozenset({"access_key"})
MASKED_TEXT = "[****]"


class NotificationError(Exception):
    pass


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return int(_setting("NOTIFICATIONS_MAX_ATTEMPTS", 5))


def backoff_seconds(attempts: int) -> int:
    """Delay before the next try after ``attempts`` failed ones: 1, 2, 4, 8... minutes, at most 1 h."""
    base = int(_setting("NOTIFICATIONS_RETRY_BASE_SECONDS", 60))
    return int(min(base * 2 ** max(attempts - 1, 0), 3600))


def requeue_after() -> timedelta:
    """A row handed to the broker but still pending this long after is queued again by the drain."""
    return timedelta(seconds=int(_setting("NOTIFICATIONS_REQUEUE_AFTER_SECONDS", 600)))


def _fmt_date(value) -> str:
    """dd/mm/yyyy in local time, from a date, a datetime or an ISO string."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime("%d/%m/%Y")


def user_language(user) -> str:
    profile = getattr(user, "wagtail_userprofile", None)
    return normalise_language(getattr(profile, "preferred_language", "") or settings.LANGUAGE_CODE)


# --- permissions -------------------------------------------------------------------------------


def user_can_manage_notifications(user) -> bool:
    """Administrators (role) and superusers see failed messages and may resend them."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role=Role.ADMINISTRATOR, active=True).exists()


def check_can_manage_notifications(user) -> None:
    if not user_can_manage_notifications(user):
        raise PermissionDenied("Chỉ quản trị hệ thống được gửi lại thông báo / administrators only")


# --- writing to the outbox ---------------------------------------------------------------------


def notification_dispatch(notification_id: int) -> None:
    """Hand one row to the broker (runs after commit). A broker outage is logged, never raised:
    the change that caused the message is already committed and the drain will send it."""
    from .tasks import send_notification_task

    if send_notification_task.app.conf.task_always_eager:
        send_notification_task.delay(notification_id=notification_id)
        return
    try:
        send_notification_task.delay(notification_id=notification_id)
    except Exception:
        logger.warning(
            "notification %s: could not queue (broker down?); the drain will send it",
            notification_id,
            exc_info=True,
        )
        Notification.objects.filter(pk=notification_id, status=Status.PENDING).update(queued_at=None)


def notification_dispatch_many(ids: Sequence[int]) -> None:
    """Hand many rows to the broker after commit: one row directly, more as one fan-out task (the
    escalation sweep writes thousands of rows per transaction; one broker message per row would
    make the sweep wait on Redis)."""
    from .tasks import dispatch_notifications_task, send_notification_task

    ids = list(ids)
    if len(ids) == 1 or send_notification_task.app.conf.task_always_eager:
        for pk in ids:
            notification_dispatch(pk)
        return
    try:
        dispatch_notifications_task.delay(notification_ids=ids)
    except Exception:
        logger.warning(
            "%s notifications: could not queue (broker down?); the drain will send them",
            len(ids),
            exc_info=True,
        )
        notification_forget_queued(ids)


def notification_forget_queued(ids: Sequence[int]) -> None:
    """The broker never got these rows: let the drain take them at its next run."""
    Notification.objects.filter(pk__in=list(ids), status=Status.PENDING).update(queued_at=None)


@dataclass(frozen=True)
class Message:
    """One message to write to the outbox (see :func:`notification_enqueue` for the fields)."""

    channel: str
    template: str
    context: Mapping[str, Any]
    dedupe_key: str
    recipient_user: Any = None
    party: Party | None = None
    language: str = "vi"
    case: Case | None = None
    secrets: Mapping[str, str] | None = None


def _outbox_row(message: Message, *, now, cache: dict) -> Notification | None:
    """Validate ``message`` and build its unsaved outbox row, or None when nothing is to be sent."""
    recipient_user, party, channel = message.recipient_user, message.party, message.channel
    if (recipient_user is None) == (party is None):
        raise ValueError("give exactly one of recipient_user or party")
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if message.template not in ALL_TEMPLATES:
        raise ValueError(f"unknown notification template {message.template!r}")
    if not message.dedupe_key:
        raise ValueError("a dedupe key is required")
    secrets = {k: str(v) for k, v in (message.secrets or {}).items() if v}
    if secrets and party is None:
        raise ValueError("secrets go only to a party's own address, never to staff")
    if set(secrets) - SECRET_KEYS:
        raise ValueError(f"unknown secrets {sorted(set(secrets) - SECRET_KEYS)!r}")
    case = message.case
    if case is None and party is not None:
        case = party.case

    address = ""
    if party is not None:
        if channel == Channel.INAPP:
            raise ValueError("citizens have no in-app inbox")
        if party.notifications_opt_out:
            return None
        address = ((party.email if channel == Channel.EMAIL else party.phone) or "").strip()
        if not address:
            return None
    else:
        if case is not None and case.accused_user_id and case.accused_user_id == recipient_user.pk:
            logger.info("notification %s: not sent to the official the case accuses", message.dedupe_key)
            return None
        if channel == Channel.SMS:
            raise ValueError("staff messages go in-app or by e-mail")
        if channel == Channel.EMAIL:
            address = (recipient_user.email or "").strip()
            if not address:
                return None

    return Notification(
        dedupe_key=message.dedupe_key,
        recipient_user=recipient_user,
        party=party,
        case=case,
        address=address,
        channel=channel,
        template=message.template,
        context=_stored_context(message.context, case, cache),
        secrets_enc=encrypt(json.dumps(secrets)) if secrets else "",
        language=normalise_language(message.language),
        max_attempts=max_attempts(),
        created_at=now,
        next_attempt_at=now,
        queued_at=now,
    )


def _needles_of(case: Case | None, cache: dict) -> list[str]:
    """The identity needles of ``case``, decrypted once per call however many messages it has."""
    key = case.pk if case is not None else None
    if key not in cache:
        cache[key] = redaction.case_needles(case)
    return cache[key]


def _stored_context(context: Mapping[str, Any], case: Case | None, cache: dict) -> dict[str, Any]:
    """The context as stored: redacted of the case's parties and JSON-safe. Computed once per
    context and case in one call (a sweep sends the same context to several staff and channels);
    each row gets its own copy."""
    key = (id(context), case.pk if case is not None else None)
    if key not in cache:
        redacted = redaction.redact(dict(context), _needles_of(case, cache), cache.setdefault("memo", {}))
        cache[key] = json.dumps(redacted, cls=DjangoJSONEncoder, ensure_ascii=False)
    return json.loads(cache[key])


def notification_enqueue(
    *,
    recipient_user=None,
    party: Party | None = None,
    channel: str,
    template: str,
    context: dict[str, Any],
    language: str = "vi",
    dedupe_key: str,
    case: Case | None = None,
    secrets: Mapping[str, str] | None = None,
) -> Notification | None:
    """Write one message to the outbox and send it after commit.

    Returns the new row, or None when nothing was written: the dedupe key exists already (a
    concurrent duplicate is a no-op), the party opted out or has no address on that channel, the
    staff member has no e-mail, or the recipient is the official the case accuses. Every string in
    ``context`` is redacted of the identity of the case's parties before it is stored.

    ``secrets`` (a party's own message only: the receipt's access key) are stored encrypted apart
    from the context and wiped once the message is delivered or given up."""
    message = Message(
        recipient_user=recipient_user,
        party=party,
        channel=channel,
        template=template,
        context=context,
        language=language,
        dedupe_key=dedupe_key,
        case=case,
        secrets=secrets,
    )
    created = notification_enqueue_many([message])
    return created[0] if created else None


def notification_enqueue_many(messages: Sequence[Message]) -> list[Notification]:
    """Write many messages to the outbox in one INSERT and send them after commit.

    The same rules as :func:`notification_enqueue`, message by message; a dedupe key that exists
    already (written earlier or by a concurrent transaction) is skipped by ``ON CONFLICT DO
    NOTHING``. Returns the rows this call wrote."""
    now = timezone.now()
    rows = {}
    cache: dict = {}  # needles per case, stored contexts per (context, case)
    for message in messages:
        row = _outbox_row(message, now=now, cache=cache)
        if row is not None:
            rows.setdefault(row.dedupe_key, row)
    for key in Notification.objects.filter(dedupe_key__in=list(rows)).values_list("dedupe_key", flat=True):
        del rows[key]
    if not rows:
        return []
    if len(rows) == 1:
        row = next(iter(rows.values()))
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            if Notification.objects.filter(dedupe_key=row.dedupe_key).exists():
                return []  # a concurrent transaction wrote the same key first
            raise
        created = [row]
    else:
        try:
            with transaction.atomic():
                copy_insert(Notification, list(rows.values()))
        except IntegrityError:  # a concurrent transaction wrote one of the keys meanwhile
            Notification.objects.bulk_create(rows.values(), ignore_conflicts=True)
        # ignore_conflicts returns no keys: read back the rows that carry this call's timestamp (a
        # row a concurrent transaction wrote under the same key meanwhile has another one).
        created = list(Notification.objects.filter(dedupe_key__in=list(rows), created_at=now).order_by("pk"))
    if created:
        ids = [n.pk for n in created]
        transaction.on_commit(partial(notification_dispatch_many, ids))
    return created


def citizen_event_context(*, case: Case, event: CaseEvent) -> dict[str, Any]:
    """What a citizen message may say about an event: no names, no internal notes."""
    data = event.data or {}

    def pick(*keys, default=""):
        for key in keys:
            value = data.get(key)
            if value not in (None, ""):
                return value
        return default

    due = _fmt_date(pick("due_date", "new_due_date", default=None) or case.next_due_at)
    # Where the letter went (transfer) or should go (guidance): the case row, else the event's code.
    target = case.transferred_to if case.transferred_to_id else None
    if (
        target is None
        and isinstance(data.get("to"), str)
        and event.kind in ("case.transferred", "case.guided")
    ):
        target = Authority.objects.filter(code=data["to"]).first()
    context = {
        "reference": case.reference,
        "kind": case.kind,
        "event": event.kind,
        "event_date": _fmt_date(event.created_at),
        "authority_vi": case.authority.name_vi if case.authority is not None else "",
        "authority_en": case.authority.display_name("en") if case.authority is not None else "",
        "due_date": due,
        "reason_code": str(pick("reason_code", default=case.reason_code)),
        # Rejection/suspension/termination reasons, extension justification, guidance. Never the
        # free-text "note" or "statement" fields: internal notes and the citizen's own words.
        "reason_text": str(pick("reason_text", "justification", "guidance", default=case.reason_text)),
        "outcome": str(pick("outcome", default=case.outcome)),
        "outcome_summary": str(pick("outcome_summary", "summary", default=case.outcome_summary)),
        "transferred_to_vi": target.name_vi if target else str(pick("to_name")),
        "transferred_to_en": target.display_name("en") if target else str(pick("to_name")),
    }
    return context


def staff_case_context(*, case: Case) -> dict[str, Any]:
    """The case as a staff message may describe it: reference, subject, deadlines; never a party.
    For the escalation sweep's warnings and escalations, too."""
    return {
        "case_id": case.pk,
        "reference": case.reference,
        "kind": case.kind,
        "status": case.status,
        "subject": case.subject,
        "authority_vi": case.authority.name_vi if case.authority is not None else "",
        "authority_en": case.authority.display_name("en") if case.authority is not None else "",
        "due_date": _fmt_date(case.next_due_at),
        "escalation_level": case.escalation_level,
    }


def _citizen_recipients(case: Case) -> list[Party]:
    parties = list(case.parties.all())
    # A group complaint is handled through its representatives (Law 42/2013 Art 29).
    representatives = [p for p in parties if p.is_representative]
    return representatives or parties


def _notify_staff_event(*, case: Case, event: CaseEvent, template: str) -> list[Notification]:
    data = event.data or {}
    assignee_id = data.get("assignee_id") or data.get("assignee") or case.assignee_id
    if not assignee_id or assignee_id == event.actor_id:
        return []
    user = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
    if user is None:
        return []
    context = staff_case_context(case=case)
    if event.actor_id:
        context["assigned_by"] = event.actor.get_full_name() or event.actor.get_username()
    if template == "case.supplemented":
        context["documents"] = len(data.get("attachments") or [])
    return notification_enqueue_many(
        [
            Message(
                recipient_user=user,
                channel=channel,
                template=template,
                context=context,
                language=user_language(user),
                dedupe_key=f"event:{event.hash}:user:{user.pk}:{channel}",
                case=case,
            )
            for channel in (Channel.INAPP, Channel.EMAIL)
        ]
    )


def notify_case_event(
    *, case: Case, event: CaseEvent, secrets: Mapping[str, str] | None = None
) -> list[Notification]:
    """Queue the messages a case event causes; call it inside the service's transaction right after
    the event is appended. Citizens hear of complainant-visible events (one row per party and
    channel, in the party's language); the assignee hears of an assignment (in-app and e-mail).

    ``secrets`` ({"access_key": ...}, from ``case_submit`` only) go into the ``case.received``
    messages to the parties' own addresses, encrypted in the outbox; never to staff, never into
    the event or the context. For any other event they are ignored."""
    if event.kind not in SECRET_EVENTS:
        secrets = None
    created: list[Notification] = []
    staff_template = STAFF_EVENT_TEMPLATES.get(event.kind)
    if event.kind in CITIZEN_SUPPLEMENT_EVENTS and event.actor_role == "citizen":
        staff_template = "case.supplemented"
    if staff_template:
        created += _notify_staff_event(case=case, event=event, template=staff_template)
    if event.kind == DELIVERY_EVENT and event.visibility in CITIZEN_VISIBILITIES:
        return created + _notify_delivery(case=case, event=event)
    if event.visibility in CITIZEN_VISIBILITIES and event.kind in CITIZEN_TEMPLATES:
        context = citizen_event_context(case=case, event=event)
        created += notification_enqueue_many(
            [
                Message(
                    party=party,
                    channel=channel,
                    template=event.kind,
                    context=context,
                    language=party.language,
                    dedupe_key=f"event:{event.hash}:party:{party.pk}:{channel}",
                    case=case,
                    secrets=secrets,
                )
                for party in _citizen_recipients(case)
                if not party.notifications_opt_out
                for channel, address in ((Channel.EMAIL, party.email), (Channel.SMS, party.phone))
                if address
            ]
        )
    return created


DELIVERY_EVENT = "delivery.sent"
# Which of the party's channels a sending of the result by each channel uses (cases.delivery): an
# e-mail delivery is this e-mail; an SMS notice is this text; a posted letter gets both notices; a
# result handed over at the desk needs none.
DELIVERY_CHANNELS = {
    "email": (Channel.EMAIL,),
    "sms": (Channel.SMS,),
    "post": (Channel.EMAIL, Channel.SMS),
    "in_person": (),
}


def _notify_delivery(*, case: Case, event: CaseEvent) -> list[Notification]:
    """The message of a result sent to one party: to that party only, on the channel it was sent by.
    Never an address or a name in the context; the signed PDF stays behind the tracking key."""
    data = event.data or {}
    position = data.get("party")
    party = next((p for p in case.parties.all() if p.position + 1 == position), None)
    if party is None or party.notifications_opt_out:
        return []
    context = {
        **citizen_event_context(case=case, event=event),
        "channel": str(data.get("channel") or ""),
        "tracking_number": str(data.get("tracking_number") or ""),
        "postal_service": str(data.get("postal_service") or ""),
        "sent_date": _fmt_date(data.get("sent_at") or event.created_at),
    }
    addresses = {Channel.EMAIL: party.email, Channel.SMS: party.phone}
    return notification_enqueue_many(
        [
            Message(
                party=party,
                channel=channel,
                template=DELIVERY_EVENT,
                context=context,
                language=party.language,
                dedupe_key=f"event:{event.hash}:party:{party.pk}:{channel}",
                case=case,
            )
            for channel in DELIVERY_CHANNELS.get(context["channel"], ())
            if addresses.get(channel)
        ]
    )


# --- sending -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    status: str
    retry_in: int | None = None


def _secrets_of(notification: Notification) -> dict[str, str]:
    """The decrypted secrets of a row (in memory only, for the send); {} when there are none."""
    if not notification.secrets_enc:
        return {}
    try:
        value = json.loads(decrypt(notification.secrets_enc))
    except ValueError:
        logger.warning("notification %s: its secrets cannot be decrypted; sent without", notification.pk)
        return {}
    return {k: str(v) for k, v in value.items() if k in SECRET_KEYS and v} if isinstance(value, dict) else {}


def _mask_secrets(text: str, secrets: Mapping[str, str]) -> str:
    for value in secrets.values():
        if value:
            text = text.replace(value, MASKED_TEXT)
    return text


def _scrub(error: str, notification: Notification, secrets: Mapping[str, str] | None = None) -> str:
    """An error message without the recipient's address (SMTP errors quote it) or a secret."""
    needles = redaction.identity_needles([notification.party] if notification.party_id else [])
    if notification.address:
        needles.append(redaction.fold(notification.address))
    return redaction.redact_text(_mask_secrets(error, secrets or {}), needles)[:2000]


def _deliver(
    notification: Notification, subject: str, body: str, sms: str, unsubscribe_url: str = ""
) -> None:
    if notification.channel == Channel.INAPP:
        deliver_inapp(notification=notification)
        return
    address = notification.address
    if not address and notification.recipient_user_id and notification.channel == Channel.EMAIL:
        address = notification.recipient_user.email
    if not address:
        raise NotificationError("no address to send to")
    if notification.channel == Channel.EMAIL:
        send_email(
            to=address,
            subject=subject,
            body=body,
            unsubscribe_url=unsubscribe_url,
            message_id=f"<notification-{notification.pk}@{settings.DEFAULT_FROM_EMAIL.split('@')[-1]}>",
        )
    elif notification.channel == Channel.SMS:
        send_sms(to=address, body=sms or subject, reference=notification.dedupe_key)
    else:  # pragma: no cover - guarded by the choices
        raise NotificationError(f"unknown channel {notification.channel}")


def _cancel_reason(notification: Notification) -> str:
    if notification.recipient_user_id is None and notification.party_id is None:
        return "recipient removed"
    if notification.party_id and notification.party.notifications_opt_out:
        return "opt-out"
    if notification.recipient_user_id and not notification.recipient_user.is_active:
        return "recipient account disabled"
    return ""


def notification_send(*, notification_id: int) -> SendResult | None:
    """Send one pending row, once. The row is locked for the duration of the send (a concurrent
    sender skips it) and only a pending row is sent. Returns None when the row is gone or being sent
    by someone else; otherwise the row's new status and, after a failure with attempts left, the
    seconds to wait before the next try."""
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True).filter(pk=notification_id).first()
        )
        if notification is None:
            return None
        if notification.status != Status.PENDING:
            return SendResult(notification.status)
        reason = _cancel_reason(notification)
        if reason:
            notification.status = Status.CANCELLED
            notification.last_error = reason
            notification.secrets_enc = ""
            notification.save(update_fields=["status", "last_error", "secrets_enc"])
            return SendResult(notification.status)

        notification.attempts += 1
        secrets: dict[str, str] = {}
        try:
            secrets = _secrets_of(notification) if notification.party_id else {}
            context = render_context_for(notification)
            # The secrets join the context here only, in memory, for the party's own message.
            rendered = render_message(notification.template, notification.language, {**context, **secrets})
            # Defence in depth: the context was redacted when stored; the text is checked again.
            needles = redaction.case_needles(notification.case)
            subject = redaction.redact_text(rendered.subject, needles)
            body = redaction.redact_text(rendered.body, needles)
            sms = redaction.redact_text(rendered.sms, needles)
            # The stored copy (admin, failed list) never shows a secret.
            notification.subject = _mask_secrets(subject, secrets)[:300]
            notification.body = _mask_secrets(sms if notification.channel == Channel.SMS else body, secrets)
            _deliver(notification, subject, body, sms, unsubscribe_url=context.get("unsubscribe_url", ""))
        except Exception as exc:
            notification.last_error = _scrub(f"{exc.__class__.__name__}: {exc}", notification, secrets)
            if notification.attempts >= notification.max_attempts:
                notification.status = Status.FAILED
                result = SendResult(Status.FAILED)
                logger.error(
                    "notification %s failed after %s attempts: %s",
                    notification.pk,
                    notification.attempts,
                    notification.last_error,
                )
            else:
                delay = backoff_seconds(notification.attempts)
                notification.next_attempt_at = now + timedelta(seconds=delay)
                notification.queued_at = None
                result = SendResult(Status.PENDING, retry_in=delay)
                logger.warning(
                    "notification %s attempt %s failed, next in %ss: %s",
                    notification.pk,
                    notification.attempts,
                    delay,
                    notification.last_error,
                )
        else:
            notification.status = Status.SENT
            notification.sent_at = timezone.now()
            notification.last_error = ""
            result = SendResult(Status.SENT)
        if notification.status != Status.PENDING:
            # Delivered or given up: the secret has no further use, wipe it from the outbox.
            notification.secrets_enc = ""
        notification.save(
            update_fields=[
                "status",
                "secrets_enc",
                "attempts",
                "last_error",
                "subject",
                "body",
                "sent_at",
                "next_attempt_at",
                "queued_at",
            ]
        )
    return result


def notification_mark_queued(*, notification_id: int, at) -> None:
    """Record that a retry is scheduled with the broker for ``at`` (the drain leaves it alone)."""
    Notification.objects.filter(pk=notification_id, status=Status.PENDING).update(queued_at=at)


def notification_drain(*, enqueue: bool = True, limit: int = 500, now=None) -> int:
    """Send what is still pending and due: rows whose hand-over to the broker failed, rows whose
    queued task never ran (lost with a broker restart), rows whose backoff has passed. With
    ``enqueue`` the rows go to the workers; without, they are sent in this process (useful when the
    broker is down). Returns how many rows were taken."""
    from .tasks import send_notification_task

    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=now - requeue_after()))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    if not enqueue:
        for pk in ids:
            notification_send(notification_id=pk)
        return len(ids)
    Notification.objects.filter(pk__in=ids).update(queued_at=now)
    for index, pk in enumerate(ids):
        try:
            send_notification_task.delay(notification_id=pk)
        except Exception:
            logger.warning("notification drain: broker unavailable, %s rows left pending", len(ids) - index)
            Notification.objects.filter(pk__in=ids[index:], status=Status.PENDING).update(queued_at=None)
            return index
    return len(ids)


# --- admin actions -----------------------------------------------------------------------------


def notification_resend(*, notification: Notification, actor) -> Notification:
    """Put a failed message back in the queue (fresh attempts), from the admin."""
    check_can_manage_notifications(actor)
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification.pk)
        if notification.status != Status.FAILED:
            raise NotificationError("Chỉ gửi lại được thông báo lỗi / only failed messages can be resent")
        notification.status = Status.PENDING
        notification.attempts = 0
        notification.next_attempt_at = timezone.now()
        notification.queued_at = timezone.now()
        notification.resent_count += 1
        notification.save(
            update_fields=["status", "attempts", "next_attempt_at", "queued_at", "resent_count"]
        )
        logger.info("notification %s resent by user %s", notification.pk, actor.pk)
        transaction.on_commit(partial(notification_dispatch, notification.pk))
    return notification


def notification_mark_read(*, notification: Notification, user) -> Notification:
    if notification.recipient_user_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user) -> int:
    return Notification.objects.filter(
        recipient_user=user, channel=Channel.INAPP, read_at__isnull=True
    ).update(read_at=timezone.now())


# --- citizens stopping messages ----------------------------------------------------------------


@transaction.atomic
def party_notifications_opt_out(*, party: Party) -> Party:
    """The citizen clicked the unsubscribe link: no more messages for this case; pending ones are
    cancelled."""
    party = Party.objects.select_for_update().get(pk=party.pk)
    if not party.notifications_opt_out:
        party.notifications_opt_out = True
        party._change_reason = "notifications opt-out (unsubscribe link)"
        party.save(update_fields=["notifications_opt_out"])
    Notification.objects.filter(party=party, status=Status.PENDING).update(
        status=Status.CANCELLED, last_error="opt-out", secrets_enc=""
    )
    return party


# --- the daily digest --------------------------------------------------------------------------


def _digest_item(case: Case, now) -> dict[str, Any]:
    needles = redaction.identity_needles(case.parties.all())
    overdue_days = (now - case.next_due_at).days if case.next_due_at < now else 0
    return {
        "reference": case.reference,
        "subject": redaction.redact_text(case.subject, needles),
        "kind": case.kind,
        "status": case.status,
        "due_date": _fmt_date(case.next_due_at),
        "overdue_days": overdue_days,
    }


def notification_daily_digest(*, now=None) -> list[Notification]:
    """One message a day to each head of unit / head of agency: the open cases of their authority and
    its sub-units that are overdue or due within 3 days (in-app, and by e-mail if they have one)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    memberships = Membership.objects.filter(
        active=True, role__in=DIGEST_ROLES, user__is_active=True
    ).select_related("authority", "user")
    heads: dict[int, dict[str, Any]] = defaultdict(lambda: {"user": None, "paths": set(), "ids": set()})
    for m in memberships:
        heads[m.user_id]["user"] = m.user
        heads[m.user_id]["paths"].add(m.authority.path)
        heads[m.user_id]["ids"].add(m.authority_id)

    created: list[Notification] = []
    for info in heads.values():
        user = info["user"]
        scope = Q()
        for path in info["paths"]:
            scope |= Q(authority__path__startswith=path)
        cases = (
            Case.objects.filter(scope, status__in=OPEN_STATES, next_due_at__isnull=False)
            .exclude(accused_user=user)
            .exclude(accused_authority_id__in=info["ids"])
        )
        overdue = cases.filter(next_due_at__lt=now).order_by("next_due_at")
        due_soon = cases.filter(next_due_at__gte=now, next_due_at__lt=now + DIGEST_DUE_SOON).order_by(
            "next_due_at"
        )
        overdue_count, due_soon_count = overdue.count(), due_soon.count()
        if not overdue_count and not due_soon_count:
            continue
        context = {
            "date": _fmt_date(today),
            "overdue_count": overdue_count,
            "due_soon_count": due_soon_count,
            "overdue": [_digest_item(c, now) for c in overdue.prefetch_related("parties")[:DIGEST_MAX_ITEMS]],
            "due_soon": [
                _digest_item(c, now) for c in due_soon.prefetch_related("parties")[:DIGEST_MAX_ITEMS]
            ],
            "more": max(overdue_count - DIGEST_MAX_ITEMS, 0) + max(due_soon_count - DIGEST_MAX_ITEMS, 0),
        }
        for channel in (Channel.INAPP, Channel.EMAIL):
            n = notification_enqueue(
                recipient_user=user,
                channel=channel,
                template="digest.daily",
                context=context,
                language=user_language(user),
                dedupe_key=f"digest:{today.isoformat()}:user:{user.pk}:{channel}",
            )
            if n is not None:
                created.append(n)
    return created
