"""Server-side SVG charts: no JavaScript, readable when printed, described for screen readers.

Every chart carries a <title> and <desc>, and the page shows the same numbers as text
beside it, so the picture is never the only way to read the data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

POINT_COLOURS = {
    "needs_focus": "#d1242f",
    "on_track": "#1a7f37",
    "outperforming": "#0b5cad",
    "no_evidence": "#8c959f",
}


@dataclass(frozen=True)
class RadarAxis:
    label: str
    value: float | None  # None: not assessed (drawn as a gap at the centre, marked "n/a")
    group: str = ""


def _f(value: float) -> str:
    return f"{value:.1f}"


def _wrap(label: str, width: int = 14) -> list[str]:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines or [label]


@dataclass(frozen=True)
class _RadarGeometry:
    """Where a value on an axis lands: ``axes`` spokes, ``top`` scale points, in pixels."""

    axes: int
    top: int
    centre: float
    radius: float

    def point(self, index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / self.axes
        r = self.radius * value / self.top
        return self.centre + r * math.cos(angle), self.centre + r * math.sin(angle)


def radar_svg(
    axes: Sequence[RadarAxis],
    *,
    levels: Sequence[str] = ("Needs focus", "On track", "Outperforming"),
    title: str = "Shape",
    size: int = 460,
    chart_id: str = "radar",
) -> Markup:
    """A radar chart of values on a 1..len(levels) scale; one axis per item."""
    if len(axes) < 3:
        text = ", ".join(
            f"{a.label}: {'not assessed' if a.value is None else f'{a.value:.1f}'}" for a in axes
        )
        return Markup(
            '<p class="muted" id="{}">Too few competencies for a shape chart. {}</p>'
        ).format(chart_id, text)
    top = len(levels)
    geometry = _RadarGeometry(len(axes), top, size / 2, size / 2 - 100)
    described = "; ".join(
        f"{a.label}: {'not assessed' if a.value is None else f'{a.value:.1f} of {top}'}"
        for a in axes
    )
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="radar" role="img" '
        f'viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">Scale 1 ({escape(levels[0])}) to {top} '
        f"({escape(levels[-1])}). {escape(described)}</desc>",
        *_radar_rings(geometry, levels),
        *_radar_axes(geometry, axes),
        *_radar_shape(geometry, axes),
        "</svg>",
    ]
    return Markup("".join(parts))


def _radar_rings(geometry: _RadarGeometry, levels: Sequence[str]) -> list[str]:
    """Rings for each scale point, labelled on the first axis."""
    parts = []
    for level in range(1, geometry.top + 1):
        ring = " ".join(
            f"{_f(x)},{_f(y)}" for x, y in (geometry.point(i, level) for i in range(geometry.axes))
        )
        parts.append(f'<polygon class="ring" points="{ring}" fill="none" stroke="#d0d7de"/>')
        x, y = geometry.point(0, level)
        parts.append(
            f'<text class="ring-label" x="{_f(x + 4)}" y="{_f(y + 12)}" font-size="10" '
            f'fill="#57606a">{escape(levels[level - 1])}</text>'
        )
    return parts


def _radar_axes(geometry: _RadarGeometry, axes: Sequence[RadarAxis]) -> list[str]:
    """A spoke per axis and its label outside the outer ring (greyed when not assessed)."""
    centre = geometry.centre
    parts = []
    for i, axis in enumerate(axes):
        x, y = geometry.point(i, geometry.top)
        parts.append(
            f'<line x1="{_f(centre)}" y1="{_f(centre)}" x2="{_f(x)}" y2="{_f(y)}" '
            f'stroke="#d0d7de"/>'
        )
        lx, ly = geometry.point(i, geometry.top + 0.55)
        anchor = "middle" if abs(lx - centre) < 8 else ("start" if lx > centre else "end")
        lines = _wrap(axis.label + (" (n/a)" if axis.value is None else ""))
        start_y = ly - (len(lines) - 1) * 6
        tspans = "".join(
            f'<tspan x="{_f(lx)}" y="{_f(start_y + k * 12)}">{escape(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        fill = "#8c959f" if axis.value is None else "#1b1f24"
        parts.append(
            f'<text class="axis-label" font-size="11" text-anchor="{anchor}" '
            f'fill="{fill}">{tspans}</text>'
        )
    return parts


def _radar_shape(geometry: _RadarGeometry, axes: Sequence[RadarAxis]) -> list[str]:
    """The candidate's shape; unassessed axes sit at the centre so no score is invented."""
    centre = geometry.centre
    shape_points = [
        geometry.point(i, a.value) if a.value is not None else (centre, centre)
        for i, a in enumerate(axes)
    ]
    poly = " ".join(f"{_f(x)},{_f(y)}" for x, y in shape_points)
    parts = [
        f'<polygon class="shape" points="{poly}" fill="rgba(11,92,173,0.25)" '
        f'stroke="#0b5cad" stroke-width="2"/>'
    ]
    for (x, y), axis in zip(shape_points, axes, strict=True):
        if axis.value is not None:
            parts.append(
                f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3.5" fill="#0b5cad">'
                f"<title>{escape(axis.label)}: {axis.value:.1f}</title></circle>"
            )
    return parts


def distribution_svg(
    distribution: Mapping[str, int], *, width: int = 160, height: int = 14, label: str = ""
) -> Markup:
    """A stacked bar of counts per rating point, with the numbers in its accessible name."""
    total = sum(distribution.values())
    text = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in distribution.items())
    name = f"{label}: {text}" if label else text
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dist" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{escape(name)}">'
    ]
    x = 0.0
    if total:
        for key, count in distribution.items():
            if not count:
                continue
            w = width * count / total
            colour = POINT_COLOURS.get(key, "#8c959f")
            parts.append(
                f'<rect x="{_f(x)}" y="0" width="{_f(w)}" height="{height}" fill="{colour}">'
                f"<title>{escape(key.replace('_', ' '))}: {count}</title></rect>"
            )
            x += w
    else:
        parts.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#eaeef2"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
