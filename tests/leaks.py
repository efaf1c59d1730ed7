"""English strings that must never appear on a staff page rendered in Vietnamese (the leaks a
walk through the workspace found: Wagtail's chrome without a Vietnamese catalogue, bilingual
labels). Checked on what a person reads: text, and the placeholder, label and title attributes."""

import html
import re

KNOWN_LEAKS = (
    re.compile(r"\bSign in\b"),
    re.compile(r"\bPassword\b"),
    re.compile(r"\bForgotten password\b"),
    re.compile(r"\bRemember me\b"),
    re.compile(r"\bSearch\b"),
    re.compile(r"\bPage \d+ of \d+"),
    re.compile(r"\bPage\b"),
    re.compile(r"\bNo\b.{1,60}\bmatch\b"),
    re.compile(r"\bShow filters\b"),
    re.compile(r"\bHelp\b"),
    re.compile(r"\bunread\b"),
    re.compile(r"\bMark all read\b"),
    re.compile(r"\bDashboard\b"),
    re.compile(r"\bLog out\b"),
)


def readable_strings(page_html: str) -> list[str]:
    text = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page_html, flags=re.S | re.I)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    found = [html.unescape(t).strip() for t in re.findall(r">([^<>]+)<", text)]
    found += [
        html.unescape(a) for a in re.findall(r'\s(?:placeholder|aria-label|title|alt|value)="([^"]*)"', text)
    ]
    return [s for s in found if s]


def english_leaks(page_html: str) -> list[str]:
    return sorted({s for s in readable_strings(page_html) for pattern in KNOWN_LEAKS if pattern.search(s)})
