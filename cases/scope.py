"""The one scope rule every staff read asks: which cases a staff member may see at all.

Every read — the workspace list, the case page, attachments and their previews, the duplicate
finder, exports, the oversight dashboard and search — goes through ``staff_scope(user)``:

- **Where.** A staff member sees the cases of the authorities they hold a role in and of their
  sub-units (``Authority.path``); a member of a top-level body also sees letters whose authority
  is not known yet. Holding a model permission (``cases.view_all_cases``) or being an
  administrator widens nothing: the read-all belongs to the oversight auditor's *role*, which is
  read-only (``cases.permissions``), and to superusers.
- **Who is excluded.** The person accused and everyone in the accused unit never see the case,
  nor therefore its denouncer, whatever their role — auditors and superusers included (Law on
  Denunciations 2018 Art 47(1)(b) and Art 56: the denouncer is protected against the accused;
  Decree 31/2019 Art 10 excludes interested persons from verification). "Accused" is the staff
  account recorded as ``accused_user``, a member of ``accused_authority`` or of any of its
  sub-units, or a staff member whose full name is the recorded ``accused_name``.

``StaffScope.case_q()`` is the SQL form (for lists and joins), ``StaffScope.excluded(case)`` and
``StaffScope.contains(case)`` the Python form (for one case); both say the same."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .actors import Citizen, System
from .models import Authority, Case, Membership, Role

# Forms of address a clerk may type before the accused's name ("Ông Nguyễn Văn X").
HONORIFICS = ("ông", "bà", "anh", "chị", "đồng chí", "đ/c")


def _fold(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name or "").casefold().split())


def _fold_accused(name: str) -> str:
    folded = _fold(name)
    for honorific in HONORIFICS:
        if folded.startswith(honorific + " "):
            return folded[len(honorific) + 1 :]
    return folded


def name_variants(user) -> tuple[str, ...]:
    """The user's full name in both orders (Vietnamese "Phạm Minh Tuấn" and "Tuấn Phạm Minh"),
    folded; empty for a one-word or missing name (too weak to match anyone's accusation on)."""
    first, last = _fold(getattr(user, "first_name", "")), _fold(getattr(user, "last_name", ""))
    if not first or not last:
        return ()
    return tuple(dict.fromkeys((f"{last} {first}", f"{first} {last}")))


def ancestor_paths(path: str) -> list[str]:
    """ "/HN/HN-SXD/" -> ["/HN/", "/HN/HN-SXD/"]: the authority and every body above it."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


@dataclass(frozen=True)
class StaffScope:
    user_id: int | None
    everything: bool = False
    roots: tuple[str, ...] = ()  # authority paths whose sub-trees are in scope (disjoint)
    unknown_authority: bool = False  # letters whose authority is not known yet
    member_paths: tuple[str, ...] = ()  # every active membership's authority path
    names: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.everything and not self.roots and not self.unknown_authority

    # ------------------------------------------------------------------ accused exclusion

    def _accused_unit_paths(self) -> list[str]:
        """Accused authorities that would make this user a member of the accused unit: their own
        authorities and every body above them."""
        paths: set[str] = set()
        for path in self.member_paths:
            paths.update(ancestor_paths(path))
        return sorted(paths)

    def exclusion_q(self, prefix: str = "") -> Q | None:
        """Cases this user is excluded from (accused, accused unit, accused name), or None."""
        q = Q(pk__in=[])
        any_rule = False
        if self.user_id is not None:
            q |= Q(**{f"{prefix}accused_user_id": self.user_id})
            any_rule = True
        unit_paths = self._accused_unit_paths()
        if unit_paths:
            q |= Q(**{f"{prefix}accused_authority__path__in": unit_paths})
            any_rule = True
        for name in self.names:
            # The name as typed, whatever its case and spacing (the same test as ``excluded``).
            pattern = (
                r"^\s*(?:("
                + "|".join(HONORIFICS)
                + r")\s+)?"
                + r"\s+".join(re.escape(word) for word in name.split())
                + r"\s*$"
            )
            q |= Q(**{f"{prefix}accused_name__iregex": pattern})
            any_rule = True
        return q if any_rule else None

    def excluded(self, case: Case) -> str | None:
        """Why this user may not see ``case`` although it is within their authorities (None: not
        excluded). The reasons are shown to staff on the assignment form."""
        if self.user_id is not None and case.accused_user_id == self.user_id:
            return str(_("là người bị khiếu nại/tố cáo"))
        if case.accused_authority is not None:
            accused_path = case.accused_authority.path
            if any(path.startswith(accused_path) for path in self.member_paths):
                return str(_("thuộc đơn vị bị khiếu nại/tố cáo"))
        if self.names and _fold_accused(case.accused_name) in self.names:
            return str(_("trùng họ tên với người bị khiếu nại/tố cáo"))
        return None

    # ------------------------------------------------------------------------ the scope

    def where_q(self, prefix: str = "") -> Q:
        """The authority part of the rule alone (no exclusion)."""
        if self.everything:
            return Q()
        q = Q(**{f"{prefix}pk__in": []})
        for root in self.roots:
            q |= Q(**{f"{prefix}authority__path__startswith": root})
        if self.unknown_authority:
            q |= Q(**{f"{prefix}authority__isnull": True})
        return q

    def case_q(self, prefix: str = "") -> Q:
        q = self.where_q(prefix)
        exclusion = self.exclusion_q(prefix)
        return q & ~exclusion if exclusion is not None else q

    def cases(self) -> QuerySet[Case]:
        return Case.objects.filter(self.case_q())

    def authorities(self) -> QuerySet[Authority]:
        qs = Authority.objects.order_by("path")
        if self.everything:
            return qs
        q = Q(pk__in=[])
        for root in self.roots:
            q |= Q(path__startswith=root)
        return qs.filter(q)

    def within_authority(self, case: Case) -> bool:
        if self.everything:
            return True
        if case.authority is None:
            return self.unknown_authority
        path = case.authority.path
        return any(path.startswith(root) for root in self.roots)

    def contains(self, case: Case) -> bool:
        return self.within_authority(case) and self.excluded(case) is None


NOBODY = StaffScope(user_id=None)


def _disjoint(paths) -> tuple[str, ...]:
    roots: list[str] = []
    for path in sorted(set(paths)):  # a parent sorts before its sub-units
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return tuple(roots)


def staff_scope(user) -> StaffScope:
    """The user's scope, computed once per user object (memberships read once)."""
    if (
        user is None
        or isinstance(user, System | Citizen)
        or not getattr(user, "is_authenticated", False)
        or not user.is_active
    ):
        return NOBODY
    cached = getattr(user, "_kntc_scope", None)
    if cached is not None:
        return cached
    memberships = list(
        Membership.objects.filter(user=user, active=True).values_list("role", "authority__path")
    )
    member_paths = tuple(sorted({path for _role, path in memberships}))
    everything = bool(user.is_superuser) or any(role == Role.AUDITOR for role, _p in memberships)
    roots = () if everything else _disjoint(member_paths)
    scope = StaffScope(
        user_id=user.pk,
        everything=everything,
        roots=roots,
        unknown_authority=everything or any(p.count("/") == 2 for p in member_paths),
        member_paths=member_paths,
        names=name_variants(user),
    )
    user._kntc_scope = scope
    return scope


def forget(user) -> None:
    """Drop the cached scope (after a membership change)."""
    for cache in ("_kntc_scope", "_kntc_memberships"):
        if hasattr(user, cache):
            delattr(user, cache)
