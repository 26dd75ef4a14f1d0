"""Bar charts drawn on the server as inline SVG: no JavaScript, no CDN, prints as it shows."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

PALETTE = ["#0d6efd", "#20c997", "#6f42c1", "#fd7e14", "#dc3545", "#6c757d", "#198754", "#0dcaf0"]


def stacked_bars(labels, series, *, title, bar_height=18, label_width=80, width=720):
    """Horizontal stacked bars, one per label. `series` is [(name, [value per label]), …].

    Returns SVG markup with a <title> per segment (hover text) and a legend."""
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    scale = (width - label_width - 40) / max(max(totals, default=0), 1)
    gap, legend_height = 6, 24
    height = legend_height + len(labels) * (bar_height + gap) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" class="chart" font-size="12" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    x = label_width
    for index, (name, _values) in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{x + 14}" y="13">{escape(name)}</text>')
        x += 14 + 13 * len(name) + 16
    for row, label in enumerate(labels):
        y = legend_height + row * (bar_height + gap)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height - 5}" text-anchor="end">{escape(label)}</text>'
        )
        x = label_width
        for index, (name, values) in enumerate(series):
            value = values[row]
            if not value:
                continue
            w = value * scale
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" '
                f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(label)} {escape(name)}：{value}</title></rect>'
            )
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + bar_height - 5}">{totals[row]}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
