"""Who may be given a case, as the head sees them when assigning: each candidate's unit and the
cases they are handling now, and those the conflict-of-interest rule refuses
(``permissions.conflict_of_interest``) shown disabled with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext

from .. import permissions
from ..models import Membership
from ..workflow import OPEN_STATES
from . import common


@dataclass
class Candidate:
    user: Any
    name: str
    unit: str
    open_cases: int
    refused: str | None

    @property
    def label(self) -> str:
        text = gettext("%(name)s — %(unit)s — %(n)s hồ sơ đang xử lý") % {
            "name": self.name,
            "unit": self.unit,
            "n": self.open_cases,
        }
        if self.refused:
            text += " — " + gettext("không được giao: %(reason)s") % {"reason": self.refused}
        return text


def candidates_for(case, users) -> list[Candidate]:
    users = list(
        users.annotate(open_count=Count("assigned_cases", filter=Q(assigned_cases__status__in=OPEN_STATES)))
    )
    units: dict[int, list[str]] = {}
    for m in (
        Membership.objects.filter(user__in=users, active=True, role__in=common.STAFF_ROLES_FOR_ASSIGNMENT)
        .select_related("authority")
        .order_by("authority__path")
    ):
        name = m.authority.name_vi if common.lang() == "vi" else m.authority.display_name("en")
        if name not in units.setdefault(m.user_id, []):
            units[m.user_id].append(name)
    return [
        Candidate(
            user=u,
            name=common.user_display(u),
            unit=", ".join(units.get(u.pk, [])) or "—",
            open_cases=u.open_count,
            refused=permissions.conflict_of_interest(case, u),
        )
        for u in users
    ]


class CandidateSelect(forms.Select):
    """A select whose options carry the unit and workload, and are disabled with the reason when
    the conflict rule refuses the person."""

    def __init__(self, *args, candidates: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        key = getattr(value, "value", value)
        found = self.candidates.get(str(key)) if key not in (None, "") else None
        if found is not None:
            option["label"] = found.label
            if found.refused:
                option["attrs"]["disabled"] = True
        return option


def apply_to(field, case) -> list[Candidate]:
    """Give a ModelChoiceField of people the candidate labels; returns the candidates."""
    found = candidates_for(case, field.queryset)
    field.widget = CandidateSelect(candidates={str(c.user.pk): c for c in found})
    field.widget.choices = field.choices
    return found
