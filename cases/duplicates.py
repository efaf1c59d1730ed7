"""Likely duplicates: the one rule behind the registration hint, the ``duplicate_suspected`` flag
(the list's "Nghi trùng" column and filter, the duplicates queue) and the duplicates page.

``find_duplicates(case)`` asks the database for the earlier or later cases that share a signal
with ``case`` within ``rules.DUPLICATE_WINDOW_DAYS`` and keeps those ``rules.duplicate_signals``
accepts: the same person (national ID through the blind index, never by decrypting) with the same
kind of case, or the same accused with a similar subject (Law on Denunciations 2018 Art 24(3);
Circular 05/2021/TT-TTCP Art 14(1))."""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Case, Party

SIGNAL_LABELS = {
    "same_person": _("cùng người gửi (số định danh) và cùng loại đơn"),
    "same_accused_similar_subject": _("cùng người bị khiếu nại/tố cáo, tiêu đề tương tự"),
}


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", (text or "").lower().replace("đ", "d"))
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).split())


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, fold(a), fold(b)).ratio()


@dataclass
class Candidate:
    case: Case
    signals: list[str] = field(default_factory=list)
    similarity: float = 0.0

    @property
    def reasons(self) -> list[str]:
        return [str(SIGNAL_LABELS[s]) for s in self.signals]

    @property
    def score(self) -> float:
        return len(self.signals) + self.similarity


def find_duplicates(
    case: Case,
    *,
    within: QuerySet[Case] | None = None,
    digests: list[str] | None = None,
    limit: int = rules.DUPLICATE_MAX_CANDIDATES,
) -> list[Candidate]:
    """The likely duplicates of ``case`` among ``within`` (every case by default), best first.
    ``digests``: the parties' blind indexes when the caller already has them."""
    window = dt.timedelta(days=rules.DUPLICATE_WINDOW_DAYS)
    pool = (within if within is not None else Case.objects.all()).exclude(pk=case.pk)
    pool = pool.filter(received_at__gte=case.received_at - window, received_at__lte=case.received_at + window)
    if digests is None:
        digests = [
            d for d in Party.objects.filter(case=case).values_list("national_id_digest", flat=True) if d
        ]
    condition = Q(pk__in=[])
    if digests:
        condition |= Q(parties__national_id_digest__in=digests)
    if case.accused_name.strip():
        condition |= Q(accused_name__iexact=case.accused_name.strip())
    if not digests and not case.accused_name.strip():
        return []
    rows = list(pool.filter(condition).distinct().select_related("authority").order_by("-received_at")[:200])
    same_person: set[int] = set()
    if digests and rows:
        same_person = set(
            Party.objects.filter(
                case_id__in=[c.pk for c in rows], national_id_digest__in=digests
            ).values_list("case_id", flat=True)
        )
    accused = fold(case.accused_name)
    out = []
    for other in rows:
        ratio = similarity(case.subject, other.subject)
        signals = rules.duplicate_signals(
            same_person=other.pk in same_person,
            same_accused=bool(accused) and fold(other.accused_name) == accused,
            subject_similarity=ratio,
            same_kind=other.kind == case.kind,
        )
        if signals:
            out.append(Candidate(case=other, signals=signals, similarity=ratio))
    out.sort(key=lambda c: (-c.score, c.case.received_at))
    return out[:limit]
