"""Every change to a case, one function per verb, split by family as Zulip splits
``zerver/actions/``: intake, triage, handling, attachments, escalation (set-based), identity access.

Each verb locks the case row, checks the actor (``cases.actors``: a staff user, ``SYSTEM`` or a
``Citizen`` whose key was checked; ``None`` is refused) and the workflow transition, asks
``cases.rules`` for every limit and condition, applies the change, records the history user and
change reason, appends a CaseEvent, keeps the deadlines and ``next_due_at`` current and ends with the
after-change port (``cases.effects.case_changed``), which the search and notifications apps listen
to. Arguments are keyword-only."""

from .attachments import FileInput, attachment_add, attachment_create, case_supplement
from .escalation import (
    Climb,
    StalledFlag,
    case_escalate,
    case_escalate_many,
    case_flag_stalled_many,
    deadlines_lapse_many,
)
from .handling import (
    OUTCOMES,
    case_assign,
    case_close,
    case_conclude,
    case_extend,
    case_open_second_level,
    case_publish,
    case_resume,
    case_schedule_dialogue,
    case_start_verification,
    case_suspend,
    case_terminate,
    case_withdraw,
    case_withdrawal_request,
    contested_decision_suspend,
    contested_decision_suspension_lift,
    followup_or_second_level_verdict,
    followup_verdict,
    note_add,
    second_level_verdict,
)
from .identity import identity_access_record, party_identity_reveal
from .intake import PartyInput, SubmitResult, case_submit
from .review import (
    followup_close,
    followup_report_submit,
    followup_request_report,
    followup_take_over,
    redenunciation_decline,
    redenunciation_re_resolve,
    redenunciation_transfer,
)
from .triage import (
    case_accept,
    case_classify,
    case_clear_duplicate,
    case_guide,
    case_link,
    case_merge_duplicate,
    case_reject,
    case_transfer,
)

__all__ = [
    "OUTCOMES",
    "Climb",
    "FileInput",
    "PartyInput",
    "StalledFlag",
    "SubmitResult",
    "attachment_add",
    "attachment_create",
    "case_accept",
    "case_assign",
    "case_classify",
    "case_clear_duplicate",
    "case_close",
    "case_conclude",
    "case_escalate",
    "case_escalate_many",
    "case_extend",
    "case_flag_stalled_many",
    "case_guide",
    "case_link",
    "case_merge_duplicate",
    "case_open_second_level",
    "case_publish",
    "case_reject",
    "case_resume",
    "case_schedule_dialogue",
    "case_start_verification",
    "case_submit",
    "case_supplement",
    "case_suspend",
    "case_terminate",
    "case_transfer",
    "case_withdraw",
    "case_withdrawal_request",
    "contested_decision_suspend",
    "contested_decision_suspension_lift",
    "deadlines_lapse_many",
    "followup_close",
    "followup_or_second_level_verdict",
    "followup_report_submit",
    "followup_request_report",
    "followup_take_over",
    "followup_verdict",
    "identity_access_record",
    "note_add",
    "party_identity_reveal",
    "redenunciation_decline",
    "redenunciation_re_resolve",
    "redenunciation_transfer",
    "second_level_verdict",
]
