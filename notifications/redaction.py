"""Keep the identity of the people who wrote to us out of messages (Law on Denunciations 2018,
Art 56; Art 8(3) makes revealing it a prohibited act).

Staff messages are built from case fields (reference, subject, deadlines), and a citizen may type
their own name into the subject or a reason may quote it. Every string that goes into an outbox row
is therefore passed through :func:`redact`, which blanks out any party's full name, ID number,
address, phone or e-mail, matched without regard to case or Vietnamese diacritics."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

MASK = "[***]"
# Shorter values (a one-syllable given name, a house number) would blank out ordinary words.
MIN_NEEDLE = 5
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
            if len(value) >= MIN_NEEDLE:
                needles.add(fold(value))
        # Phone numbers are written with spaces or dots as often as without.
        digits = re.sub(r"\D", "", getattr(party, "phone", "") or "")
        if len(digits) >= MIN_NEEDLE:
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
        start = folded.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
        if needle.isdigit():
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
