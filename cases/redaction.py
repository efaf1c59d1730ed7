"""Keep the identity of the people who wrote to us out of text that people without the identity
permission read (Law on Denunciations 2018, Art 56; Art 8(3) makes revealing it a prohibited act).

A citizen may type their own name or phone into the subject or the description, and a reason may
quote it. :func:`redact` blanks out any party's full name, ID number, address, phone or e-mail,
matched without regard to case or Vietnamese diacritics. Who asks: the notifications outbox (every
message), the search index (always: the index never holds identity), and the workspace — the case
page, the list, the exports — for viewers without the identity permission on that case (the
original stays for those with it). Pure functions: ``notifications`` and ``search`` import them
from here (the domain imports neither).

Short values. A needle of ``MIN_NEEDLE`` characters or more is masked wherever it occurs. A
shorter one (a two-syllable name such as "Lê Na", a short ID) would blank out ordinary syllables
if matched inside words, so it is masked only as a whole word — bounded by spaces or punctuation
— and only when it has at least ``MIN_SHORT_NEEDLE`` letters or digits. A full name of three
syllables or more also yields its given name with the middle name ("Minh Tuấn" of "Phạm Minh
Tuấn"), the way people refer to each other, as a whole-word needle."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

MASK = "[***]"
# Values this long are masked wherever they occur; shorter ones only as whole words.
MIN_NEEDLE = 5
# Below this (a one-letter initial, a single digit) nothing is masked: it would blank out words.
MIN_SHORT_NEEDLE = 3
_WORD = re.compile(r"\w", re.UNICODE)
_SPECIAL = {"đ": "d", "Đ": "d"}


def fold(text: str) -> str:
    """Lower-case, without Vietnamese diacritics, and *the same length* as ``NFC(text)``, so a match
    in the folded text is a match at the same offsets in the original."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        base = _SPECIAL.get(ch) or unicodedata.normalize("NFD", ch)[0]
        low = base.lower()
        out.append(low if len(low) == 1 else ch)
    return "".join(out)


def _compact(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def identity_needles(parties: Iterable[Any]) -> list[str]:
    """The folded identity strings of the given parties, longest first."""
    needles: set[str] = set()
    for party in parties:
        for field in ("full_name", "national_id", "address", "phone", "email"):
            value = _compact(getattr(party, field, "") or "")
            if len(value) >= MIN_SHORT_NEEDLE:
                needles.add(fold(value))
        words = _compact(getattr(party, "full_name", "") or "").split(" ")
        if len(words) >= 3:
            needles.add(fold(" ".join(words[-2:])))  # "Minh Tuấn" of "Phạm Minh Tuấn"
        # Phone numbers are written with spaces or dots as often as without.
        digits = re.sub(r"\D", "", getattr(party, "phone", "") or "")
        if len(digits) >= MIN_SHORT_NEEDLE:
            needles.add(digits)
    return sorted(needles, key=len, reverse=True)


def _separated_digits(needle: str, memo: dict) -> re.Pattern:
    key = ("digits", needle)
    if key not in memo:
        memo[key] = re.compile(r"[\s.\-]?".join(re.escape(d) for d in needle))
    return memo[key]


def _folded(text: str, memo: dict) -> str:
    key = ("fold", text)
    if key not in memo:
        memo[key] = fold(text)
    return memo[key]


def redact_text(text: str, needles: list[str], memo: dict | None = None) -> str:
    """``text`` with every needle masked. ``memo``, a dict the caller keeps for the duration of one
    batch of messages, saves folding the same strings again (never a process-wide cache: the
    needles are people's identities)."""
    if not text or not needles:
        return text
    memo = {} if memo is None else memo
    text = unicodedata.normalize("NFC", text)
    folded = _folded(text, memo)
    spans: list[tuple[int, int]] = []
    for needle in needles:
        whole_word = len(needle) < MIN_NEEDLE
        start = folded.find(needle)
        while start != -1:
            end = start + len(needle)
            if not whole_word or _bounded(folded, start, end):
                spans.append((start, end))
            start = folded.find(needle, start + 1)
        if needle.isdigit() and not whole_word:
            # The same digits with separators in between ("0912 345 678", "0912.345.678").
            spans.extend(m.span() for m in _separated_digits(needle, memo).finditer(text))
    if not spans:
        return text
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(text[pos:start])
        out.append(MASK)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _bounded(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` a whole word (no letter or digit right before or after it)?"""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not _WORD.match(before) and not _WORD.match(after)


def redact(value: Any, needles: list[str], memo: dict | None = None) -> Any:
    """``value`` (a string, or JSON-like lists and dicts of them) with every needle masked."""
    memo = {} if memo is None else memo
    if isinstance(value, str):
        return redact_text(value, needles, memo)
    if isinstance(value, dict):
        return {k: redact(v, needles, memo) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v, needles, memo) for v in value]
    return value


def case_needles(case) -> list[str]:
    """Identity strings of every party of ``case`` (decrypted in memory, never stored)."""
    if case is None or case.pk is None:
        return []
    # A caller sending many messages about one case (the escalation sweep) may compute them once and
    # hang them on the case object.
    prepared = getattr(case, "_identity_needles", None)
    if prepared is not None:
        return prepared
    return identity_needles(case.parties.all())


def contains_identity(text: str, needles: list[str]) -> bool:
    return redact_text(text, needles) != unicodedata.normalize("NFC", text)


def needles_by_case(case_ids) -> dict[int, list[str]]:
    """Identity needles per case, for a batch of cases (one query; decrypted in memory only)."""
    from .models import Party

    by_case: dict[int, list] = {}
    for party in Party.objects.filter(case_id__in=list(case_ids)):
        by_case.setdefault(party.case_id, []).append(party)
    return {case_id: identity_needles(parties) for case_id, parties in by_case.items()}


def for_viewer(case, viewer, value: Any) -> Any:
    """``value`` as ``viewer`` may read it on ``case``: as typed for those holding the identity
    permission on the case, redacted for everyone else (``cases.permissions``)."""
    from . import permissions

    if permissions.user_can_view_identity(viewer, case):
        return value
    return redact(value, case_needles(case))


# Secrets that development logs must not keep: access keys (ABCD-EFGH-JKMN-PQRS, the alphabet of
# ``cases.references``) and phone numbers.
_ACCESS_KEY = re.compile(r"\b[A-HJ-NP-Z2-9]{4}(?:-?[A-HJ-NP-Z2-9]{4}){3}\b")
_PHONE = re.compile(r"(?<!\d)(\+?84|0)(?:[\s.\-]?\d){8,10}(?!\d)")


def mask_phone(number: str) -> str:
    digits = re.sub(r"\D", "", number or "")
    if len(digits) < 6:
        return MASK
    return digits[:3] + "•" * (len(digits) - 5) + digits[-2:]


def redact_secrets(text: str, *, phones: bool = True) -> str:
    """``text`` with access keys (and phone numbers, unless ``phones=False``) masked, for the
    development SMS file and the console e-mail backend: what a developer's terminal or disk keeps."""
    text = _ACCESS_KEY.sub("[mã bí mật]", text or "")
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), text) if phones else text
