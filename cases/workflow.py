"""The state graph of each case kind, as data. No database access here.

Sources: Law on Complaints 02/2011 (accept Art 27, verify Art 29, dialogue Art 30, decide Art 31,
publish Art 41(2), withdraw Art 10); Law on Denunciations 25/2018 (accept Arts 24, 29; transfer
Art 24(2); verify Art 31; conclude Art 35; publish Art 40; withdraw Art 33; suspend/terminate
Art 34); Law 42/2013 and Circular 05/2021 for petitions and letter handling; Art 25 for the
anonymous-information track."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .errors import ApplicationError
from .models import CaseKind as K
from .models import CaseStatus as S


class InvalidTransition(ApplicationError):
    """The workflow of the kind has no such move (raised with the statuses' labels, translated)."""

    def __init__(self, kind: str, old: str, new: str):
        self.kind, self.old, self.new = kind, old, new
        super().__init__(
            _("Hồ sơ %(kind)s đang ở trạng thái «%(old)s» không thể chuyển sang «%(new)s»."),
            params={"kind": _label(K, kind), "old": _label(S, old), "new": _label(S, new)},
            code="state",
        )


def _label(choices: type[K] | type[S], value: str) -> str:
    return str(dict(choices.choices).get(value, value))


# What triage may do with any freshly received letter.
_TRIAGE = {S.REJECTED, S.TRANSFERRED, S.GUIDED, S.MERGED, S.ACCEPTED, S.WITHDRAWN}

TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    K.COMPLAINT: {
        S.RECEIVED: frozenset(_TRIAGE),
        # Art 29(1): a plainly right complaint may be decided without verification.
        S.ACCEPTED: frozenset({S.VERIFYING, S.DECIDED, S.SUSPENDED, S.WITHDRAWN, S.TERMINATED}),
        S.VERIFYING: frozenset({S.DIALOGUE, S.DECIDED, S.SUSPENDED, S.WITHDRAWN, S.TERMINATED}),
        S.DIALOGUE: frozenset({S.DECIDED, S.SUSPENDED, S.WITHDRAWN, S.TERMINATED}),
        S.SUSPENDED: frozenset({S.ACCEPTED, S.VERIFYING, S.DIALOGUE, S.WITHDRAWN, S.TERMINATED}),
        S.DECIDED: frozenset({S.PUBLISHED, S.CLOSED}),
        S.PUBLISHED: frozenset({S.CLOSED}),
        # Art 10: withdrawal ends resolution by a decision (đình chỉ) with notice, never a bare
        # closing of the file (Decree 124/2020 Art 28b as amended, K16).
        S.WITHDRAWN: frozenset({S.TERMINATED}),
        S.TERMINATED: frozenset({S.CLOSED}),
    },
    K.DENUNCIATION: {
        # A follow-up on an overdue denunciation (Art 38(2)-(4)): the superior asks for a report and
        # monitors; it takes the case over only under Art 38(5) (Decree 31/2019 Art 5).
        S.RECEIVED: frozenset(_TRIAGE | {S.MONITORING}),
        S.MONITORING: frozenset({S.ACCEPTED, S.CLOSED}),
        # TRANSFERRED after acceptance: the superior took the overdue case over (Art 38(5); Decree
        # 31/2019 Art 5); an ordinary transfer happens only at receipt (Art 24(2)).
        S.ACCEPTED: frozenset(
            {S.VERIFYING, S.CONCLUDED, S.SUSPENDED, S.WITHDRAWN, S.TERMINATED, S.TRANSFERRED}
        ),
        S.VERIFYING: frozenset({S.CONCLUDED, S.SUSPENDED, S.WITHDRAWN, S.TERMINATED, S.TRANSFERRED}),
        S.SUSPENDED: frozenset({S.ACCEPTED, S.VERIFYING, S.WITHDRAWN, S.TERMINATED, S.TRANSFERRED}),
        S.CONCLUDED: frozenset({S.PUBLISHED, S.CLOSED}),
        S.PUBLISHED: frozenset({S.CLOSED}),
        # Art 33(3): some withdrawals do not end the case; the service keeps it open then. A whole
        # withdrawal otherwise ends it by an ending decision (Art 34(3)(a)), not a bare closing.
        S.WITHDRAWN: frozenset({S.TERMINATED}),
        S.TERMINATED: frozenset({S.CLOSED}),
    },
    K.PETITION: {
        S.RECEIVED: frozenset(_TRIAGE),
        S.ACCEPTED: frozenset({S.VERIFYING, S.DECIDED, S.WITHDRAWN}),
        S.VERIFYING: frozenset({S.DECIDED, S.WITHDRAWN}),
        S.DECIDED: frozenset({S.PUBLISHED, S.CLOSED}),
        S.PUBLISHED: frozenset({S.CLOSED}),
        S.WITHDRAWN: frozenset({S.CLOSED}),
    },
    # Art 25(2): checked for management purposes; nobody to notify, nothing to withdraw.
    K.ANONYMOUS_REPORT: {
        S.RECEIVED: frozenset({S.REJECTED, S.TRANSFERRED, S.MERGED, S.ACCEPTED}),
        S.ACCEPTED: frozenset({S.VERIFYING, S.CONCLUDED, S.TERMINATED}),
        S.VERIFYING: frozenset({S.CONCLUDED, S.TERMINATED}),
        S.CONCLUDED: frozenset({S.CLOSED}),
        S.TERMINATED: frozenset({S.CLOSED}),
    },
}

# States in which the case is still being handled (deadlines run, escalation applies).
OPEN_STATES = frozenset({S.RECEIVED, S.ACCEPTED, S.VERIFYING, S.DIALOGUE, S.SUSPENDED, S.MONITORING})
# States that end the case: no further move except closing the file.
FINAL_STATES = frozenset({S.REJECTED, S.TRANSFERRED, S.GUIDED, S.MERGED, S.CLOSED})
# The complainant may withdraw until the decision/conclusion (Complaints Art 10; Denunciations Art 33).
WITHDRAWABLE_STATES = frozenset({S.RECEIVED, S.ACCEPTED, S.VERIFYING, S.DIALOGUE, S.SUSPENDED})


def allowed_targets(kind: str, status: str) -> frozenset[str]:
    try:
        return TRANSITIONS[kind].get(status, frozenset())
    except KeyError:
        raise InvalidTransition(kind, status, "?") from None


def can_transition(kind: str, old: str, new: str) -> bool:
    return kind in TRANSITIONS and new in TRANSITIONS[kind].get(old, frozenset())


def check_transition(kind: str, old: str, new: str) -> None:
    if not can_transition(kind, old, new):
        raise InvalidTransition(kind, old, new)


def states(kind: str) -> frozenset[str]:
    graph = TRANSITIONS[kind]
    return frozenset(graph) | frozenset(t for targets in graph.values() for t in targets)


def is_open(kind: str, status: str) -> bool:
    return status in OPEN_STATES


def allows_extension(kind: str, status: str) -> bool:
    """Only denunciations have extension decisions (Law on Denunciations Art 30; Decree 31 Art 3).
    Complaint periods for complex cases are ceilings, not extensions (Law on Complaints Art 28)."""
    return kind == K.DENUNCIATION and status in {S.ACCEPTED, S.VERIFYING}


def allows_dialogue(kind: str) -> bool:
    return kind == K.COMPLAINT
