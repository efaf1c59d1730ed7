"""Server-side chart geometry: the templates draw CSS bars and inline SVG from these numbers.
No JavaScript, no CDN: the dashboard works offline and prints."""

from __future__ import annotations

from dataclasses import dataclass

# Age buckets from young (green) to old (red); on time / late.
BUCKET_COLOURS = ("#2e7d4f", "#8bb43a", "#e0b020", "#e07020", "#c0392b")
ON_TIME_COLOUR = "#2e7d4f"
LATE_COLOUR = "#c0392b"
STATUS_COLOUR = "#2e6ca4"


def pct(value: float, maximum: float) -> float:
    return round(100.0 * value / maximum, 2) if maximum else 0.0


@dataclass
class Bar:
    label: str
    value: float
    url: str = ""
    colour: str = STATUS_COLOUR
    width: float = 0.0  # percent of the widest bar
    title: str = ""


def bars(items: list[Bar]) -> list[Bar]:
    top = max((b.value for b in items), default=0)
    for b in items:
        b.width = pct(b.value, top)
        b.title = b.title or f"{b.label}: {b.value:g}"
    return items


@dataclass
class Segment:
    label: str
    value: int
    url: str
    colour: str
    width: float = 0.0  # percent of the whole track


def stack(segments: list[Segment], track_max: float) -> list[Segment]:
    """Segments of one stacked bar; the track is as wide as the biggest row (``track_max``)."""
    for s in segments:
        s.width = pct(s.value, track_max)
    return [s for s in segments if s.value]


@dataclass
class Column:
    label: str
    value: float | None
    url: str
    title: str
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0
    text_y: float = 0
    cx: float = 0
    colour: str = STATUS_COLOUR


@dataclass
class ColumnChart:
    columns: list[Column]
    width: int
    height: int
    base_y: float
    maximum: float


def column_chart(
    columns: list[Column], *, maximum: float | None = None, height: int = 180, slot: int = 64
) -> ColumnChart:
    """Vertical columns in an SVG of ``height`` px, ``slot`` px per column; labels below, values
    above each column."""
    top_pad, bottom_pad = 20, 34
    plot = height - top_pad - bottom_pad
    maximum = maximum if maximum is not None else max((c.value or 0 for c in columns), default=0)
    for i, c in enumerate(columns):
        value = c.value or 0
        c.w = slot * 0.6
        c.x = i * slot + slot * 0.2
        c.h = round(plot * value / maximum, 2) if maximum else 0
        c.y = top_pad + plot - c.h
        c.text_y = c.y - 5
        c.cx = c.x + c.w / 2
    return ColumnChart(
        columns=columns,
        width=max(slot * len(columns), 120),
        height=height,
        base_y=top_pad + plot,
        maximum=maximum,
    )
