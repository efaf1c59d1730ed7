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
import time
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
from django.db import DatabaseError, IntegrityError, close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from cases.crypto import decrypt, encrypt
from cases.models import Authority, Case, CaseEvent, Membership, Party, Role, Visibility
from cases.workflow import OPEN_STATES
from config.bulk import copy_insert

from . import redaction
from .channels import DeliveryUnknown, LookupUnavailable
from .channels.email import send_email
from .channels.inapp import deliver_inapp
from .channels.sms import get_sms_backend, send_sms
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
    """Hand one row to the broker (runs after commit) without waiting for a broker that is down
    (``config.celery.publish``). An outage is logged in one line, never raised: the change that
    caused the message is committed, and the drain sends the row within a minute."""
    notification_dispatch_many([notification_id])


def notification_dispatch_many(ids: Sequence[int]) -> None:
    """Hand many rows to the broker after commit: one row directly, more as one fan-out task (the
    escalation sweep writes thousands of rows per transaction; one broker message per row would
    make the sweep wait on Redis). In eager mode (``make run``) each row is sent here."""
    from config.celery import publish

    from .tasks import dispatch_notifications_task, send_notification_task

    ids = list(ids)
    if not ids:
        return
    if send_notification_task.app.conf.task_always_eager:
        for pk in ids:
            send_notification_task.delay(notification_id=pk)
        return
    try:
        if len(ids) == 1:
            publish(send_notification_task, notification_id=ids[0])
        else:
            publish(dispatch_notifications_task, notification_ids=ids)
    except Exception as exc:
        logger.warning(
            "%s notification(s) not queued (%s); the drain will send them", len(ids), type(exc).__name__
        )
        try:
            notification_forget_queued(ids)
        except DatabaseError as db_exc:  # the drain re-queues them after NOTIFICATIONS_REQUEUE_AFTER_SECONDS
            logger.warning("notifications not marked unqueued (%s)", type(db_exc).__name__)


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
#
# A message is sent at most once, whatever fails around it:
#
# 1. claim (a short transaction of its own): the row is locked (skip_locked: a concurrent sender
#    moves on), checked (pending, due, recipient still wanted) and the attempt recorded: "sending",
#    attempts + 1, the rendered text (masked), the Message-ID. Committed before anything is sent.
# 2. send, with no transaction open and no row locked (a frozen SMTP server blocks one worker for
#    EMAIL_TIMEOUT, never a row another process waits for).
# 3. record the outcome: "sent", or a failure (back to "pending" with backoff, or "failed"). If the
#    database is unreachable at that moment (restarting), the outcome is retried for a few seconds
#    and then handed to the broker (``notification_outcome_task``), which records it once the
#    database is back: an accepted message is never sent again because its "sent" was lost.
#
# A row left "sending" (the worker died between 1 and 3, or the whole message was handed over and no
# answer came) is reconciled by the drain once no sender can still be at work on it
# (NOTIFICATIONS_SENDING_STALE_SECONDS): an SMS is looked up at the gateway by its reference (the
# dedupe key): found, it is "sent" with the gateway's id; absent, it is tried again. An e-mail
# cannot be looked up over SMTP: it becomes "unknown", listed for administrators with its
# Message-ID (which every attempt carries, so the relay's log can be searched), who confirm it or
# send it again. Nothing whose outcome is unknown is sent again without that decision.

OUTCOME_SENT = "sent"
OUTCOME_FAILED = "failed"
OUTCOME_UNKNOWN = "unknown"
# The message may have been accepted and the channel can be asked later: stays "sending".
OUTCOME_IN_DOUBT = "in_doubt"
OUTCOMES = frozenset({OUTCOME_SENT, OUTCOME_FAILED, OUTCOME_UNKNOWN, OUTCOME_IN_DOUBT})


@dataclass(frozen=True)
class SendResult:
    status: str
    retry_in: int | None = None


@dataclass(frozen=True)
class _Claim:
    """An attempt recorded in the database, carried out outside any transaction. Holds the rendered
    text (with the receipt's secret, in memory only) and what is needed to scrub an error."""

    pk: int
    attempt: int
    channel: str
    address: str
    subject: str
    body: str
    sms: str
    unsubscribe_url: str
    message_id: str
    reference: str
    secrets: Mapping[str, str]
    needles: tuple[str, ...]

    def scrub(self, error: str) -> str:
        return redaction.redact_text(_mask_secrets(error, self.secrets), list(self.needles))[:2000]


def sending_stale_after() -> timedelta:
    """A row still "sending" this long after its attempt began has no sender left."""
    return timedelta(seconds=int(_setting("NOTIFICATIONS_SENDING_STALE_SECONDS", 180)))


def message_id_for(notification: Notification) -> str:
    """The Message-ID of every attempt of an e-mail: deterministic, so a repeat is recognisable."""
    domain = settings.DEFAULT_FROM_EMAIL.split("@")[-1] or "localhost"
    return f"<notification-{notification.pk}@{domain}>"


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


def _needles_for(notification: Notification) -> list[str]:
    needles = redaction.identity_needles([notification.party] if notification.party_id else [])
    if notification.address:
        needles.append(redaction.fold(notification.address))
    return needles


def _scrub(error: str, notification: Notification, secrets: Mapping[str, str] | None = None) -> str:
    """An error message without the recipient's address (SMTP errors quote it) or a secret."""
    return redaction.redact_text(_mask_secrets(error, secrets or {}), _needles_for(notification))[:2000]


def _cancel_reason(notification: Notification) -> str:
    if notification.recipient_user_id is None and notification.party_id is None:
        return "recipient removed"
    if notification.party_id and notification.party.notifications_opt_out:
        return "opt-out"
    if notification.recipient_user_id and not notification.recipient_user.is_active:
        return "recipient account disabled"
    return ""


def _apply_failure(notification: Notification, error: str, now) -> SendResult:
    """A definite failure of the current attempt: back to pending with backoff, or failed for good."""
    notification.last_error = error
    if notification.attempts >= notification.max_attempts:
        notification.status = Status.FAILED
        notification.secrets_enc = ""  # given up: the secret has no further use
        logger.error(
            "notification %s failed after %s attempts: %s",
            notification.pk,
            notification.attempts,
            notification.last_error,
        )
        return SendResult(Status.FAILED)
    delay = backoff_seconds(notification.attempts)
    notification.status = Status.PENDING
    notification.next_attempt_at = now + timedelta(seconds=delay)
    notification.queued_at = None  # the drain queues it again once the backoff has passed
    logger.warning(
        "notification %s attempt %s failed, next in %ss: %s",
        notification.pk,
        notification.attempts,
        delay,
        notification.last_error,
    )
    return SendResult(Status.PENDING, retry_in=delay)


SEND_FIELDS = [
    "status",
    "secrets_enc",
    "attempts",
    "last_error",
    "subject",
    "body",
    "sent_at",
    "next_attempt_at",
    "queued_at",
    "attempt_started_at",
    "message_id",
    "provider_id",
]


def _claim(notification_id: int) -> _Claim | SendResult | None:
    """Step 1: lock, check and record the attempt (see above). In-app messages, which only need the
    database, are delivered here in full; so is a failure to render."""
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("party", "recipient_user", "case")
            .filter(pk=notification_id)
            .first()
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
        notification.attempt_started_at = now
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
            address = notification.address
            if not address and notification.recipient_user_id and notification.channel == Channel.EMAIL:
                address = notification.recipient_user.email
            if notification.channel == Channel.INAPP:
                deliver_inapp(notification=notification)
            elif not address:
                raise NotificationError("no address to send to")
        except Exception as exc:
            result = _apply_failure(
                notification, _scrub(f"{exc.__class__.__name__}: {exc}", notification, secrets), now
            )
            notification.save(update_fields=SEND_FIELDS)
            return result
        if notification.channel == Channel.INAPP:
            notification.status = Status.SENT
            notification.sent_at = now
            notification.last_error = ""
            notification.save(update_fields=SEND_FIELDS)
            return SendResult(Status.SENT)
        notification.status = Status.SENDING
        if notification.channel == Channel.EMAIL:
            notification.message_id = message_id_for(notification)
        notification.save(update_fields=SEND_FIELDS)
        return _Claim(
            pk=notification.pk,
            attempt=notification.attempts,
            channel=notification.channel,
            address=address,
            subject=subject,
            body=body,
            sms=sms,
            unsubscribe_url=context.get("unsubscribe_url", ""),
            message_id=notification.message_id,
            reference=notification.dedupe_key,
            secrets=secrets,
            needles=tuple(_needles_for(notification)),
        )


def _deliver(claim: _Claim) -> str:
    """Step 2: hand the message over; returns the provider's id ("" when there is none)."""
    if claim.channel == Channel.EMAIL:
        send_email(
            to=claim.address,
            subject=claim.subject,
            body=claim.body,
            unsubscribe_url=claim.unsubscribe_url,
            message_id=claim.message_id,
        )
        return ""
    if claim.channel == Channel.SMS:
        return send_sms(to=claim.address, body=claim.sms or claim.subject, reference=claim.reference)
    raise NotificationError(f"unknown channel {claim.channel}")  # pragma: no cover - guarded by choices


def notification_send(*, notification_id: int) -> SendResult | None:
    """Send one pending row, at most once (claim, send, record: see above). Returns None when the
    row is gone or another sender holds it; otherwise the row's new status and, after a failure with
    attempts left, the seconds until the next try. A database error before anything was sent
    propagates (the task retries); after the send it never does."""
    claimed = _claim(notification_id)
    if not isinstance(claimed, _Claim):
        return claimed
    try:
        provider_id = _deliver(claimed)
    except DeliveryUnknown as exc:
        error = claimed.scrub(f"outcome unknown: {exc}")
        can_look_up = claimed.channel == Channel.SMS and _sms_can_look_up()
        return _finish(claimed, OUTCOME_IN_DOUBT if can_look_up else OUTCOME_UNKNOWN, error=error)
    except Exception as exc:
        return _finish(claimed, OUTCOME_FAILED, error=claimed.scrub(f"{exc.__class__.__name__}: {exc}"))
    return _finish(claimed, OUTCOME_SENT, provider_id=provider_id)


# Recording an outcome while the database restarts: tries this many seconds apart, then the broker.
OUTCOME_RETRY_SECONDS = (0.5, 1.0, 2.0)


def _finish(claim: _Claim, outcome: str, *, provider_id: str = "", error: str = "") -> SendResult:
    """Step 3: record the outcome; while the database is away, hand it to the broker."""
    from .tasks import notification_outcome_task

    for pause in (*OUTCOME_RETRY_SECONDS, None):
        try:
            result = notification_record_outcome(
                notification_id=claim.pk,
                attempt=claim.attempt,
                outcome=outcome,
                provider_id=provider_id,
                error=error,
            )
        except DatabaseError as exc:
            close_old_connections()
            if pause is None:
                last = exc
                break
            time.sleep(pause)
        else:
            return result or SendResult(Status.CANCELLED)
    try:
        notification_outcome_task.apply_async(
            kwargs={
                "notification_id": claim.pk,
                "attempt": claim.attempt,
                "outcome": outcome,
                "provider_id": provider_id,
                "error": error,
            },
            countdown=5,
        )
    except Exception as exc:
        logger.error(
            "notification %s: outcome %r not recorded (database: %s, broker: %s); the drain will "
            "reconcile it",
            claim.pk,
            outcome,
            type(last).__name__,
            type(exc).__name__,
        )
    else:
        logger.warning(
            "notification %s: outcome %r handed to the broker, the database is unavailable (%s)",
            claim.pk,
            outcome,
            type(last).__name__,
        )
    return SendResult(Status.SENDING)


def notification_record_outcome(
    *, notification_id: int, attempt: int, outcome: str, provider_id: str = "", error: str = ""
) -> SendResult | None:
    """Record what became of attempt ``attempt`` of a row that is "sending" (or "unknown": a late
    outcome settles it). An outcome for another attempt, or for a row settled meanwhile, changes
    nothing. Raises ``DatabaseError`` when the database is unreachable."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    now = timezone.now()
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return None
        if notification.attempts != attempt or notification.status not in (Status.SENDING, Status.UNKNOWN):
            return SendResult(notification.status)
        result = SendResult(notification.status)
        if outcome == OUTCOME_SENT:
            notification.status = Status.SENT
            notification.sent_at = now
            notification.last_error = ""
            notification.provider_id = (provider_id or "")[:255]
            notification.secrets_enc = ""  # delivered: the secret has no further use
            result = SendResult(Status.SENT)
        elif outcome == OUTCOME_FAILED:
            result = _apply_failure(notification, error, now)
        elif outcome == OUTCOME_UNKNOWN:
            if notification.status != Status.UNKNOWN:
                logger.warning(
                    "notification %s: send outcome unknown (%s); listed for administrators",
                    notification.pk,
                    (error or "worker lost mid-send")[:200],
                )
            notification.status = Status.UNKNOWN
            notification.last_error = error or "outcome unknown"
            result = SendResult(Status.UNKNOWN)
        else:  # in doubt: stays "sending" until the drain asks the channel
            notification.last_error = error
        notification.save(update_fields=SEND_FIELDS)
    return result


def _sms_can_look_up() -> bool:
    backend = get_sms_backend()
    try:
        backend.lookup("")
    except LookupUnavailable:
        return False
    except Exception:
        return True
    return True


def _look_up(notification: Notification) -> tuple[str, str]:
    """Ask the channel whether the message of a stale "sending" row arrived: ("sent", provider id),
    ("absent", "") or ("unknown", why)."""
    if notification.channel != Channel.SMS:
        return (
            OUTCOME_UNKNOWN,
            "worker lost mid-send; e-mail cannot be looked up (search the relay's log for its Message-ID)",
        )
    try:
        found = get_sms_backend().lookup(notification.dedupe_key)
    except LookupUnavailable as exc:
        return OUTCOME_UNKNOWN, f"worker lost mid-send; {exc}"
    except Exception as exc:
        return OUTCOME_UNKNOWN, f"worker lost mid-send; gateway lookup failed ({type(exc).__name__})"
    if found is None:
        return "absent", ""
    return OUTCOME_SENT, found


def notification_reconcile_sending(*, now=None, limit: int = 200) -> dict[str, int]:
    """Settle the rows left "sending" longer than any sender can take (see above). Returns how many
    became sent, were tried again, or became unknown."""
    now = now or timezone.now()
    counts = {"sent": 0, "retried": 0, "unknown": 0}
    stale = list(
        Notification.objects.filter(
            status=Status.SENDING, attempt_started_at__lt=now - sending_stale_after()
        ).order_by("attempt_started_at")[:limit]
    )
    for notification in stale:
        verdict, detail = _look_up(notification)
        if verdict == OUTCOME_SENT:
            result = notification_record_outcome(
                notification_id=notification.pk,
                attempt=notification.attempts,
                outcome=OUTCOME_SENT,
                provider_id=detail,
            )
            counts["sent"] += result is not None and result.status == Status.SENT
        elif verdict == "absent":
            result = notification_record_outcome(
                notification_id=notification.pk,
                attempt=notification.attempts,
                outcome=OUTCOME_FAILED,
                error="lost mid-send; the gateway has no such message",
            )
            counts["retried"] += result is not None and result.status in (Status.PENDING, Status.FAILED)
        else:
            result = notification_record_outcome(
                notification_id=notification.pk,
                attempt=notification.attempts,
                outcome=OUTCOME_UNKNOWN,
                error=detail,
            )
            counts["unknown"] += result is not None and result.status == Status.UNKNOWN
    return counts


def notification_mark_queued(*, notification_id: int, at) -> None:
    """Record that the row was handed to the broker at ``at`` (the drain leaves it alone a while)."""
    Notification.objects.filter(pk=notification_id, status=Status.PENDING).update(queued_at=at)


def notification_drain(*, enqueue: bool = True, limit: int = 500, now=None) -> int:
    """Send what is still pending and due: rows whose hand-over to the broker failed, rows whose
    queued task never ran (lost with a broker restart, or behind a dead worker), rows whose backoff
    has passed. With ``enqueue`` the rows go to the workers; without, they are sent in this process
    (useful when the broker is down). Returns how many rows were taken. Rows left "sending" by a lost
    worker are reconciled first (:func:`notification_reconcile_sending`)."""
    from config.celery import publish

    from .tasks import send_notification_task

    now = now or timezone.now()
    settled = notification_reconcile_sending(now=now)
    if any(settled.values()):
        logger.info("notification drain: stale sends reconciled %s", settled)
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
            publish(send_notification_task, notification_id=pk)
        except Exception as exc:
            logger.warning(
                "notification drain: broker unavailable (%s), %s rows left pending",
                type(exc).__name__,
                len(ids) - index,
            )
            Notification.objects.filter(pk__in=ids[index:], status=Status.PENDING).update(queued_at=None)
            return index
    return len(ids)


# --- admin actions -----------------------------------------------------------------------------


def notification_resend(*, notification: Notification, actor) -> Notification:
    """Put a failed message, or one whose outcome is unknown, back in the queue, from the admin.

    A failed one starts its attempts afresh. An unknown one is sent again with the same Message-ID
    (the administrator decided it did not arrive) and keeps its attempt count, so a late outcome of
    the earlier attempt can never be taken for the new one's."""
    check_can_manage_notifications(actor)
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification.pk)
        if notification.status not in (Status.FAILED, Status.UNKNOWN):
            raise NotificationError(
                "Chỉ gửi lại được thông báo lỗi hoặc chưa rõ kết quả / "
                "only failed or unknown messages can be resent"
            )
        if notification.status == Status.FAILED:
            notification.attempts = 0
        else:
            notification.max_attempts = notification.attempts + max_attempts()
        notification.status = Status.PENDING
        notification.next_attempt_at = timezone.now()
        notification.queued_at = timezone.now()
        notification.resent_count += 1
        notification.save(
            update_fields=[
                "status",
                "attempts",
                "max_attempts",
                "next_attempt_at",
                "queued_at",
                "resent_count",
            ]
        )
        logger.info("notification %s resent by user %s", notification.pk, actor.pk)
        transaction.on_commit(partial(notification_dispatch, notification.pk))
    return notification


def notification_confirm_delivered(*, notification: Notification, actor) -> Notification:
    """An administrator found that a message whose outcome was unknown did arrive (the relay's log
    shows its Message-ID, the citizen confirms): it is marked sent and its secret wiped."""
    check_can_manage_notifications(actor)
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification.pk)
        if notification.status != Status.UNKNOWN:
            raise NotificationError(
                "Chỉ xác nhận được thông báo chưa rõ kết quả / only unknown messages can be confirmed"
            )
        notification.status = Status.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.secrets_enc = ""
        notification.save(update_fields=["status", "sent_at", "last_error", "secrets_enc"])
        logger.info("notification %s confirmed delivered by user %s", notification.pk, actor.pk)
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
