"""The notifications side of the domain's after-change port (``cases.effects``).

Registered in ``NotificationsConfig.ready()``. Runs inside the service's transaction, so the outbox
rows commit or roll back with the change that caused them:

- each event goes to ``services.notify_case_event`` (citizens hear of what they may see; the
  assignee of an assignment or of a citizen's supplement);
- ``case.stalled`` events of a sweep chunk, in one batch: the head of unit and the handler;
- the sweep's deadline notices (``DeadlineNotice``): a warning, or a citizen's window that lapsed
  (a decision that took effect), to the handler (or the head of unit),
  a breach to the head of unit and the handler, level 2 to the head of agency, level 3 to the head
  of the superior authority; a head's instruction (R7, ``cases.reception``) also to the heads of
  the unit it was given to, at every step. Who holds which role is read once per call."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases import rules
from cases.effects import Change, DeadlineNotice
from cases.models import Authority, Case, CaseEvent, Membership, Party, Role
from cases.protection.permissions import knows_of_protection
from cases.reception.selectors import instructed_unit_ids

from . import redaction
from .services import Message, notification_enqueue_many, notify_case_event, staff_case_context

BATCHED_EVENTS = frozenset({"case.stalled", "case.escalated"})


def on_case_changed(change: Change) -> None:
    batched = [e for e in change.events if e.kind in BATCHED_EVENTS]
    singles = [e for e in change.events if e.kind not in BATCHED_EVENTS]
    cases = dict(change.cases)
    missing = {e.case_id for e in singles} - set(cases)
    if missing:
        cases.update({c.pk: c for c in Case.objects.filter(pk__in=missing).select_related("authority")})
    for event in singles:
        notify_case_event(case=cases[event.case_id], event=event, secrets=change.secrets)
    stalled = [e for e in batched if e.kind == "case.stalled"]
    if not (stalled or change.notices):
        return
    directory = StaffDirectory()
    _prepare_needles(
        [*(cases[e.case_id] for e in stalled if e.case_id in cases), *(n.case for n in change.notices)]
    )
    messages: list[Message] = []
    for event in stalled:
        case = cases.get(event.case_id)
        if case is not None:
            messages += _stalled_messages(case, event, directory)
    for notice in change.notices:
        messages += _notice_messages(notice, directory)
    notification_enqueue_many(messages)


def _prepare_needles(cases: Iterable[Case]) -> None:
    """The identity needles of every case at once (one query for their parties), for redaction."""
    pending = {c.pk: c for c in cases if getattr(c, "_identity_needles", None) is None}
    if not pending:
        return
    parties: dict[int, list[Party]] = {}
    for party in Party.objects.filter(case_id__in=list(pending)):
        parties.setdefault(party.case_id, []).append(party)
    for case_id, case in pending.items():
        case._identity_needles = redaction.identity_needles(parties.get(case_id, []))


def _staff_messages(users, *, case: Case, template: str, context: dict, key: str) -> list[Message]:
    """In-app and e-mail messages to each of ``users`` about ``case``, deduplicated by ``key``."""
    return [
        Message(
            recipient_user=user,
            channel=channel,
            template=template,
            context=context,
            case=case,
            language=getattr(user, "language", "vi") or "vi",
            dedupe_key=f"{key}:user:{user.pk}:{channel}",
        )
        for user in users
        for channel in ("inapp", "email")
    ]


def _stalled_messages(case: Case, event: CaseEvent, directory: StaffDirectory) -> list[Message]:
    recipients = directory.heads(case.authority_id, Role.HEAD_OF_UNIT)
    if case.assignee_id and case.assignee not in recipients:
        recipients.append(case.assignee)
    context = {
        **staff_case_context(case=case),
        "idle_days": (event.data or {}).get("working_days_without_activity"),
        "since": timezone.localtime(case.last_activity_at).strftime("%d/%m/%Y"),
    }
    stamp = (case.stalled_since or event.created_at).strftime("%Y%m%d")
    return _staff_messages(
        recipients, case=case, template="case.stalled", context=context, key=f"stalled:{case.pk}:{stamp}"
    )


def _notice_messages(notice: DeadlineNotice, directory: StaffDirectory) -> list[Message]:
    case, deadline = notice.case, notice.deadline
    context = {
        **staff_case_context(case=case),
        "rule": deadline.rule_code,
        "deadline_title_vi": deadline.title_vi,
        "deadline_title_en": deadline.title_en,
        "legal_basis": deadline.legal_basis_vi,
        "deadline_due_date": deadline.due_date.strftime("%d/%m/%Y"),
    }
    if notice.step == "lapsed":
        # A citizen's window ran out or a decision took effect: the handler (or the head of unit)
        # decides what follows; nobody in the agency is late.
        context["effect"] = deadline.bearer == "event"
        recipients = (
            [case.assignee] if case.assignee_id else directory.heads(case.authority_id, Role.HEAD_OF_UNIT)
        )
        template = "deadline.lapsed"
    elif notice.level == 0:
        context["days_left"] = notice.days
        recipients = (
            [case.assignee] if case.assignee_id else directory.heads(case.authority_id, Role.HEAD_OF_UNIT)
        )
        template = "deadline.warning"
    else:
        context.update(level=notice.level, days_overdue=notice.days)
        template = "deadline.breached" if notice.level == 1 else "case.escalated"
        if notice.level == 1:
            recipients = directory.heads(case.authority_id, Role.HEAD_OF_UNIT)
            if case.assignee_id and case.assignee not in recipients:
                recipients.append(case.assignee)
        elif notice.level == 2:
            recipients = directory.heads(case.authority_id, Role.HEAD_OF_AGENCY)
        else:
            recipients = directory.superior_heads(case.authority_id)
    if deadline.rule_code in rules.DECISION_LIMIT_RULES:
        # The unit the head instructed is answerable for it (Decree 154/2026 Art 25(2)).
        for unit_id in instructed_unit_ids([deadline.pk]).get(deadline.pk, ()):
            for role in (Role.HEAD_OF_UNIT, Role.HEAD_OF_AGENCY):
                recipients += [u for u in directory.heads(unit_id, role) if u not in recipients]
    if deadline.rule_code in rules.CONFIDENTIAL_RULES:
        # A protection's limit goes only to who may know of the protection, never to the verification
        # team (Law on Denunciations 2018 Arts 48(2)(b), 56(2)); the heads at least.
        recipients = [u for u in recipients if knows_of_protection(u, case)] or [
            u for u in directory.heads(case.authority_id, Role.HEAD_OF_UNIT) if knows_of_protection(u, case)
        ]
    return _staff_messages(
        recipients, case=case, template=template, context=context, key=f"esc:{deadline.pk}:{notice.step}"
    )


class StaffDirectory:
    """Who holds which role where, read once (many notices share few authorities)."""

    def __init__(self) -> None:
        self.parents: dict[int, int | None] = dict(Authority.objects.values_list("pk", "parent_id"))
        rows = list(
            Membership.objects.filter(active=True, user__is_active=True).values_list(
                "authority_id", "role", "user_id"
            )
        )
        users = {u.pk: u for u in get_user_model().objects.filter(pk__in={r[2] for r in rows})}
        self.members: dict[tuple[int, str], list] = {}
        for authority_id, role, user_id in sorted(rows):
            found = self.members.setdefault((authority_id, role), [])
            if users[user_id] not in found:
                found.append(users[user_id])

    def _holder(self, authority_id: int | None, role: str) -> tuple[int | None, list]:
        current = authority_id
        while current is not None:
            users = self.members.get((current, role))
            if users:
                return current, list(users)
            current = self.parents.get(current)
        return None, []

    def heads(self, authority_id: int | None, role: str) -> list:
        """Holders of ``role`` at the authority or its nearest ancestor that has one."""
        return self._holder(authority_id, role)[1]

    def superior_heads(self, authority_id: int | None) -> list:
        """The heads of agency of the body above the one whose head of agency governs the case."""
        agency, _users = self._holder(authority_id, Role.HEAD_OF_AGENCY)
        above = self.parents.get(agency) if agency is not None else None
        return self._holder(above, Role.HEAD_OF_AGENCY)[1] if above is not None else []
