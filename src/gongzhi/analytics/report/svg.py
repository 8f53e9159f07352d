"""Charts as SVG text, drawn on the server: a PDF renderer runs no JavaScript, so ECharts cannot draw them.

Three shapes cover the monthly report: bars with an optional line on a second axis (volumes and a
rate), grouped bars (三率 per department) and a line of daily counts. Every label is escaped; text
uses the CJK fonts the PDF renderer finds (Noto Sans CJK SC on Debian's ``fonts-noto-cjk``). An empty
series draws a frame with a note instead of failing, so an empty month still renders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif"
LABEL_CHARS = 9  # longer axis labels are cut (the table beside the chart has the full names)
#: Room for turned labels: a turned label reaches about 9 px left and 6 px down per character.
TURNED = {"left": 9 * LABEL_CHARS, "bottom": 6 * LABEL_CHARS + 24}
PALETTE = ("#1d4ed8", "#b91c1c", "#15803d", "#a16207", "#7c3aed", "#0e7490")


@dataclass(frozen=True)
class Frame:
    """The plotting area inside a chart of ``width`` × ``height`` pixels."""

    width: int = 680
    height: int = 260
    left: int = 48
    right: int = 48
    top: int = 28
    bottom: int = 64

    @property
    def inner_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def inner_height(self) -> float:
        return self.height - self.top - self.bottom

    def y(self, value: float, top_value: float) -> float:
        return self.top + self.inner_height * (1 - (value / top_value if top_value else 0))


def _open(frame: Frame, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" '
        f'width="{frame.width}" height="{frame.height}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{frame.left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]


def _empty(frame: Frame, title: str, note: str) -> str:
    parts = _open(frame, title)
    parts.append(
        f'<rect x="{frame.left}" y="{frame.top}" width="{frame.inner_width}" height="{frame.inner_height}" '
        'fill="none" stroke="#ccc"/>'
    )
    parts.append(
        f'<text x="{frame.width / 2}" y="{frame.top + frame.inner_height / 2}" text-anchor="middle" '
        f'fill="#666">{escape(note)}</text></svg>'
    )
    return "".join(parts)


def nice_ceiling(value: float) -> float:
    """The axis top: ``value`` rounded up to 1, 2 or 5 × a power of ten (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def _axis(frame: Frame, top_value: float, *, right: bool = False, percent: bool = False) -> list[str]:
    x = frame.width - frame.right if right else frame.left
    anchor, dx = ("start", 4) if right else ("end", -4)
    parts = []
    for i in range(5):
        value = top_value * i / 4
        y = frame.y(value, top_value)
        label = f"{value * 100:.0f}%" if percent else f"{value:g}"
        if not right:
            parts.append(
                f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>'
            )
        parts.append(f'<text x="{x + dx}" y="{y + 4:.1f}" text-anchor="{anchor}" fill="#555">{label}</text>')
    return parts


def _x_labels(frame: Frame, labels: Sequence[str], slot: float) -> list[str]:
    """Category labels under the bars; long or many labels are turned to stay readable."""
    every = max(1, len(labels) // 16)
    turn = len(labels) > 8 or max((len(s) for s in labels), default=0) > 6
    parts = []
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = frame.left + slot * (i + 0.5)
        y = frame.height - frame.bottom + 14
        text = escape(label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…")
        rotate = f' transform="rotate(-35 {x:.1f} {y})"' if turn else ""
        anchor = "end" if turn else "middle"
        parts.append(f'<text x="{x:.1f}" y="{y}" text-anchor="{anchor}"{rotate}>{text}</text>')
    return parts


def _legend(frame: Frame, names: Sequence[str]) -> list[str]:
    parts = []
    x = frame.width - frame.right
    for i, name in reversed(list(enumerate(names))):
        x -= 14 + 12 * len(name) + 10
        parts.append(f'<rect x="{x}" y="7" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + 14}" y="16">{escape(name)}</text>')
    return parts


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    line: Sequence[float | None] | None = None,
    bar_name: str = "",
    line_name: str = "",
    empty_note: str = "no data",
    frame: Frame | None = None,
) -> str:
    """Bars of ``values``; ``line`` (rates in 0…1) drawn over them against a percentage axis on the right."""
    frame = frame or Frame()
    if not labels or not any(values):
        return _empty(frame, title, empty_note)
    top_value = nice_ceiling(max(values))
    slot = frame.inner_width / len(labels)
    parts = _open(frame, title) + _axis(frame, top_value)
    for i, value in enumerate(values):
        y = frame.y(value, top_value)
        parts.append(
            f'<rect x="{frame.left + slot * i + slot * 0.15:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{frame.top + frame.inner_height - y:.1f}" fill="{PALETTE[0]}"><title>{escape(labels[i])}: '
            f"{value:g}</title></rect>"
        )
    if line is not None:
        parts += _axis(frame, 1.0, right=True, percent=True)
        points = [
            f"{frame.left + slot * (i + 0.5):.1f},{frame.y(v, 1.0):.1f}" for i, v in enumerate(line) if v is not None
        ]
        if points:
            parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{PALETTE[1]}" stroke-width="2"/>')
            parts += [
                f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="3" fill="{PALETTE[1]}"/>' for p in points
            ]
        parts += _legend(frame, [bar_name, line_name])
    parts += _x_labels(frame, labels, slot)
    parts.append("</svg>")
    return "".join(parts)


def grouped_bars(
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    empty_note: str = "no data",
    frame: Frame | None = None,
) -> str:
    """Rates in 0…1, one group of bars per label and one bar per series; a missing rate leaves a gap."""
    frame = frame or Frame()
    if not labels or all(v is None for values in series.values() for v in values):
        return _empty(frame, title, empty_note)
    slot = frame.inner_width / len(labels)
    width = slot * 0.8 / max(len(series), 1)
    parts = _open(frame, title) + _axis(frame, 1.0, percent=True)
    for s, (name, values) in enumerate(series.items()):
        for i, value in enumerate(values):
            if value is None:
                continue
            y = frame.y(value, 1.0)
            parts.append(
                f'<rect x="{frame.left + slot * i + slot * 0.1 + width * s:.1f}" y="{y:.1f}" width="{width:.1f}" '
                f'height="{frame.top + frame.inner_height - y:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(labels[i])} {escape(name)}: {value * 100:.1f}%</title></rect>"
            )
    parts += _legend(frame, list(series))
    parts += _x_labels(frame, labels, slot)
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    empty_note: str = "no data",
    frame: Frame | None = None,
) -> str:
    """One series over time (daily counts), with a dot per point."""
    frame = frame or Frame()
    if not labels or not any(values):
        return _empty(frame, title, empty_note)
    top_value = nice_ceiling(max(values))
    slot = frame.inner_width / len(labels)
    parts = _open(frame, title) + _axis(frame, top_value)
    points = [f"{frame.left + slot * (i + 0.5):.1f},{frame.y(v, top_value):.1f}" for i, v in enumerate(values)]
    parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    parts += _x_labels(frame, labels, slot)
    parts.append("</svg>")
    return "".join(parts)
