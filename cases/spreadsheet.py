"""Cells that leave the system in CSV or XLSX: text a citizen typed can never become a formula.

A spreadsheet program evaluates a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some,
a tab or carriage return before them) as a formula: ``=HYPERLINK(...)`` in a subject would run in
an auditor's spreadsheet (OWASP "CSV injection"). Every export neutralises text cells here: such a
value is prefixed with an apostrophe, which the programs show as text and which a reader sees.
Numbers stay numbers (a negative count is not text)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value):
    """``value`` as a spreadsheet may receive it: text starting like a formula is quoted."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]
