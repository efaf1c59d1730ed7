"""Message templates: one Django text template per (template, language) under
``notifications/templates/notifications/messages/<template>.<language>.txt`` with the blocks
``subject``, ``body`` and (citizen messages) ``sms``. Vietnamese first, English second; every
template exists in both (a test checks it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.template import Context
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.urls import reverse

from cases.links import public_base_url, tracking_url

LANGUAGES = ("vi", "en")

# Complainant-visible events that deserve a message to the citizen (the event kind is the template).
CITIZEN_TEMPLATES = frozenset(
    {
        "case.received",
        "case.accepted",
        "case.rejected",
        "case.transferred",
        "case.guided",
        "case.extended",
        "case.suspended",
        "case.resumed",
        "case.concluded",
        "case.decided",
        "case.withdrawn",
        "case.terminated",
        # The result sent to the citizen (cases.delivery): by e-mail this message is the delivery,
        # with the signed PDF behind the tracking key; by post, a notice with the tracking number.
        "delivery.sent",
    }
)
STAFF_TEMPLATES = frozenset(
    {
        "case.assigned",
        "case.supplemented",
        "deadline.warning",
        "deadline.breached",
        "deadline.lapsed",
        "case.escalated",
        "case.stalled",
        "digest.daily",
    }
)
ALL_TEMPLATES = CITIZEN_TEMPLATES | STAFF_TEMPLATES

UNSUBSCRIBE_SALT = "notifications.unsubscribe"

KIND_LABELS = {
    "vi": {
        "complaint": "khiếu nại",
        "denunciation": "tố cáo",
        "petition": "kiến nghị, phản ánh",
        "anonymous_report": "tin báo",
    },
    "en": {
        "complaint": "complaint",
        "denunciation": "denunciation",
        "petition": "petition",
        "anonymous_report": "report",
    },
}
OUTCOME_LABELS = {
    "vi": {
        "right": "khiếu nại đúng",
        "partly_right": "khiếu nại đúng một phần",
        "wrong": "khiếu nại sai",
        "true": "tố cáo đúng",
        "partly_true": "tố cáo đúng một phần",
        "false": "tố cáo sai",
        "answered": "đã trả lời",
        "no_violation": "không phát hiện vi phạm",
        "violation_found": "phát hiện vi phạm",
    },
    "en": {
        "right": "the complaint is right",
        "partly_right": "the complaint is partly right",
        "wrong": "the complaint is wrong",
        "true": "the denunciation is true",
        "partly_true": "the denunciation is partly true",
        "false": "the denunciation is untrue",
        "answered": "answered",
        "no_violation": "no violation found",
        "violation_found": "a violation was found",
    },
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    sms: str


def normalise_language(language: str | None) -> str:
    language = (language or "").lower()[:2]
    return language if language in LANGUAGES else "vi"


def unsubscribe_token(party_id: int) -> str:
    return signing.dumps({"p": party_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def party_id_from_token(token: str) -> int:
    """The party id a token was issued for; raises ``signing.BadSignature`` for a forged one."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return int(data["p"])


def unsubscribe_url(party_id: int) -> str:
    path = reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(party_id)})
    return urljoin(public_base_url(), path)


def admin_url(path: str = "") -> str:
    return urljoin(settings.WAGTAILADMIN_BASE_URL, path or reverse("wagtailadmin_home"))


def _tidy(text: str) -> str:
    text = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return re.sub(r"\n{3,}", "\n\n", text)


def render_message(template: str, language: str, context: dict[str, Any]) -> Rendered:
    """Render the three blocks of a message template, as plain text (no HTML escaping)."""
    if template not in ALL_TEMPLATES:
        raise ValueError(f"unknown notification template {template!r}")
    language = normalise_language(language)
    tpl = get_template(f"notifications/messages/{template}.{language}.txt").template
    extra = {
        "language": language,
        "kind_label": KIND_LABELS[language].get(context.get("kind", ""), ""),
        "outcome_label": OUTCOME_LABELS[language].get(context.get("outcome", ""), ""),
    }
    ctx = Context({**context, **extra}, autoescape=False)
    parts: dict[str, str] = {}
    with ctx.render_context.push_state(tpl), ctx.bind_template(tpl):
        for node in tpl.nodelist.get_nodes_by_type(BlockNode):
            parts[node.name] = _tidy(node.render(ctx))
    subject = " ".join(parts.get("subject", "").split())[:300]
    return Rendered(subject=subject, body=parts.get("body", ""), sms=" ".join(parts.get("sms", "").split()))


def render_context_for(notification) -> dict[str, Any]:
    """The stored context plus the links computed at send time (so a changed host name applies)."""
    context = dict(notification.context)
    reference = context.get("reference")
    if notification.recipient_user_id is None:
        if reference:
            context["tracking_url"] = tracking_url(reference)
        if notification.party_id:
            context["unsubscribe_url"] = unsubscribe_url(notification.party_id)
    else:
        context.setdefault("admin_url", admin_url())
        context["inbox_url"] = admin_url(reverse("notifications_admin:inbox"))
    return context


def render_notification(notification) -> Rendered:
    return render_message(notification.template, notification.language, render_context_for(notification))
