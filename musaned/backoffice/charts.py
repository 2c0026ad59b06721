"""Server-rendered SVG charts for the statistics page: accessible images (title and
description), mirrored for right-to-left, every text escaped. No script, no outside assets."""

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi

if TYPE_CHECKING:
    from musaned.backoffice.stats import Row

CHART_WIDTH = 440  # viewBox units; the text stays legible 320 px wide

# --- Charts -----------------------------------------------------------------------


def _number(value) -> str:
    return formats.number_format(value, use_l10n=True)


def _svg(chart_id: str, title: str, description: str, width: int, height: int, rtl: bool, body):
    """The ``<svg>`` shell: an image named by its title and description."""
    return format_html(
        '<svg class="chart__svg" viewBox="0 0 {w} {h}" role="img" direction="{d}" font-size="13" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=width,
        h=height,
        d="rtl" if rtl else "ltr",
        id=chart_id,
        title=title,
        desc=description,
        body=mark_safe("".join(body)),  # noqa: S308 (each part built by format_html)
    )


def bar_chart(
    rows: Sequence["Row"],
    *,
    title: str,
    chart_id: str,
    description: str = "",
    rtl: bool | None = None,
) -> SafeString:
    """A horizontal bar chart as inline SVG: a label, a bar, the number as text.

    Right to left (Arabic) the drawing is mirrored: labels on the right, bars growing
    leftwards. The ``<svg>`` carries ``direction`` so that ``text-anchor`` keeps its
    logical meaning (``end`` of a label touches the bars in both directions). Every
    text is escaped by ``format_html``.
    """
    rtl = get_language_bidi() if rtl is None else rtl
    width, label_width, value_width, row_height, bar_height, pad = CHART_WIDTH, 160, 40, 40, 22, 8
    plot = width - label_width - value_width - 2 * pad
    top = max((row.value for row in rows), default=0) or 1
    height = row_height * max(len(rows), 1) + 2 * pad

    def x(at: float) -> float:  # mirror for right to left
        return round(width - at if rtl else at, 1)

    body = []
    for i, row in enumerate(rows):
        middle = pad + i * row_height + row_height / 2
        length = round(plot * row.value / top, 1)
        start = pad + label_width
        lines = textwrap.wrap(row.label, 22) or [""]
        if len(lines) > 2:
            lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), 22, placeholder="…")]
        first_dy = "-0.25em" if len(lines) == 2 else "0.35em"
        tspans = "".join(
            format_html(
                '<tspan x="{x}" dy="{dy}">{text}</tspan>',
                x=x(start - pad),
                dy=first_dy if n == 0 else "1.2em",
                text=line,
            )
            for n, line in enumerate(lines)
        )
        body.append(
            format_html(
                '<g class="chart__row"><text class="chart__label" y="{y}" text-anchor="end">'
                "{tspans}</text>"
                '<rect class="chart__bar" x="{bx}" y="{by}" width="{bw}" height="{bh}" '
                'fill="#006c35"></rect>'
                '<text class="chart__value" x="{vx}" y="{y}" dy="0.35em" text-anchor="start">'
                "{value}</text></g>",
                y=middle,
                tspans=mark_safe(tspans),  # noqa: S308 (built by format_html)
                bx=x(start + length) if rtl else x(start),
                by=middle - bar_height / 2,
                bw=length,
                bh=bar_height,
                vx=x(start + length + pad),
                value=_number(row.value),
            )
        )
    return _svg(chart_id, title, description, width, height, rtl, body)


def column_chart(
    rows: Sequence["Row"],
    *,
    title: str,
    chart_id: str,
    ticks: Sequence[str],
    description: str = "",
    rtl: bool | None = None,
) -> SafeString:
    """Columns over time (one per row, e.g. per day), with ``ticks[i]`` under the last
    and under every few before it, and the number over each non-zero column when
    there are at most 31.

    Right to left the first day is on the right, as Arabic reads. Escaped as above.
    """
    rtl = get_language_bidi() if rtl is None else rtl
    width, height, pad, top_room, bottom_room = CHART_WIDTH, 200, 12, 22, 30
    count = max(len(rows), 1)
    slot = (width - 2 * pad) / count
    plot = height - top_room - bottom_room
    top = max((row.value for row in rows), default=0) or 1
    every = math.ceil(count / 8)
    base = height - bottom_room

    def x(at: float) -> float:
        return round(width - at if rtl else at, 1)

    body = [
        format_html(
            '<line class="chart__axis" x1="{a}" x2="{b}" y1="{y}" y2="{y}" stroke="#4a5560"></line>',
            a=pad,
            b=width - pad,
            y=base,
        )
    ]
    for i, row in enumerate(rows):
        middle = pad + slot * (i + 0.5)
        tall = round(plot * row.value / top, 1)
        column = max(slot * 0.7, 1)
        if row.value:
            body.append(
                format_html(
                    '<rect class="chart__bar" x="{cx}" y="{cy}" width="{cw}" height="{ch}" '
                    'fill="#006c35"></rect>',
                    cx=round(x(middle) - column / 2, 1),
                    cy=round(base - tall, 1),
                    cw=round(column, 1),
                    ch=tall,
                )
            )
            if count <= 31:
                body.append(
                    format_html(
                        '<text class="chart__value chart__value--small" x="{tx}" y="{ty}" '
                        'text-anchor="middle">{value}</text>',
                        tx=x(middle),
                        ty=round(base - tall - 4, 1),
                        value=_number(row.value),
                    )
                )
        if (count - 1 - i) % every == 0:  # counted from the last day, always shown
            body.append(
                format_html(
                    '<text class="chart__tick" x="{tx}" y="{ty}" text-anchor="middle">{t}</text>',
                    tx=x(middle),
                    ty=base + 18,
                    t=ticks[i] if i < len(ticks) else "",
                )
            )
    return _svg(chart_id, title, description, width, height, rtl, body)
