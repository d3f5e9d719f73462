"""A small SVG chart of the load benchmark, written by hand (no plotting library).

Two panels side by side, one row per scenario: the p95 latency of each database (bars, with
the target of the scenario's kind drawn as a tick), and the throughput as a share of the
bare endpoint (bars, with the one-third target as a dashed line). Skipped scenarios are
listed with "skipped". The chart is self-contained: no script, no style element, presentation
attributes only (it is shown on pages served with a strict CSP, and opened from disk).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

#: A colour per database (colour-blind-safe pair), then for any other.
COLOURS = {"sqlite": "#0072B2", "postgresql": "#E69F00"}
OTHER_COLOUR = "#009E73"

LABEL_WIDTH = 300
PANEL_WIDTH = 360
GAP = 40
ROW = 24
TOP = 70
FONT = "Sarabun, 'Noto Sans Thai', sans-serif"


def load_chart(all_results: list[dict], p95_targets: dict[str, float], ratio_target: float) -> str:
    """The SVG text for the results of ``bench.load`` (one dict per database)."""
    databases = [r["database"] for r in all_results]
    names: list[str] = []
    kinds: dict[str, str] = {}
    for results in all_results:
        for row in results["scenarios"]:
            if row["scenario"] not in kinds:
                names.append(row["scenario"])
                kinds[row["scenario"]] = row["kind"]

    def row_for(results: dict, name: str) -> dict | None:
        return next((r for r in results["scenarios"] if r["scenario"] == name), None)

    measured = [
        row
        for results in all_results
        for row in results["scenarios"]
        if "p95_ms" in row and row["p95_ms"] == row["p95_ms"]  # not NaN
    ]
    p95_max = max([r["p95_ms"] for r in measured] + list(p95_targets.values()) + [1.0])
    ratio_max = max([r.get("ratio", 0.0) for r in measured] + [1.0])
    bar = max(4, (ROW - 6) // max(1, len(databases)))
    width = LABEL_WIDTH + 2 * PANEL_WIDTH + GAP + 30
    height = TOP + ROW * len(names) + 60
    left_p95 = LABEL_WIDTH
    left_ratio = LABEL_WIDTH + PANEL_WIDTH + GAP

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{escape(FONT)}" font-size="12" '
        f'role="img" aria-labelledby="title">',
        '<title id="title">Load benchmark: p95 latency and throughput ratio per scenario</title>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{left_p95}" y="22" font-size="14" font-weight="bold">p95 latency (ms)</text>',
        f'<text x="{left_ratio}" y="22" font-size="14" font-weight="bold">'
        "throughput ÷ bare endpoint</text>",
    ]
    # Legend.
    x = left_p95
    for database in databases:
        colour = COLOURS.get(database, OTHER_COLOUR)
        out.append(f'<rect x="{x}" y="32" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="42">{escape(database)}</text>')
        x += 110
    out.append(f'<text x="{x}" y="42" fill="#c00000">| target</text>')

    # Axes.
    bottom = TOP + ROW * len(names)
    for left, top_value, fmt in ((left_p95, p95_max, "{:.0f}"), (left_ratio, ratio_max, "{:.2f}")):
        out.append(f'<line x1="{left}" y1="{TOP - 4}" x2="{left}" y2="{bottom}" stroke="#444444"/>')
        for step in range(5):
            value = top_value * step / 4
            tick = left + PANEL_WIDTH * step / 4
            out.append(
                f'<line x1="{tick:.1f}" y1="{bottom}" x2="{tick:.1f}" y2="{bottom + 4}" '
                'stroke="#444444"/>'
            )
            out.append(
                f'<text x="{tick:.1f}" y="{bottom + 16}" text-anchor="middle">'
                f"{fmt.format(value)}</text>"
            )
    for index, name in enumerate(names):
        y = TOP + ROW * index
        if index % 2:
            out.append(f'<rect x="0" y="{y}" width="{width}" height="{ROW}" fill="#f3f3f3"/>')
        out.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + ROW / 2 + 4}" text-anchor="end">'
                   f"{escape(name)}</text>")  # fmt: skip
        skipped = True
        for slot, results in enumerate(all_results):
            row = row_for(results, name)
            if row is None or "p95_ms" not in row:
                continue
            skipped = False
            colour = COLOURS.get(results["database"], OTHER_COLOUR)
            by = y + 3 + slot * bar
            p95_width = PANEL_WIDTH * row["p95_ms"] / p95_max
            out.append(
                f'<rect x="{left_p95}" y="{by}" width="{p95_width:.1f}" height="{bar - 1}" '
                f'fill="{colour}"><title>{escape(results["database"])}: p95 '
                f"{row['p95_ms']:.1f} ms</title></rect>"
            )
            if "ratio" in row:
                ratio_width = PANEL_WIDTH * row["ratio"] / ratio_max
                out.append(
                    f'<rect x="{left_ratio}" y="{by}" width="{ratio_width:.1f}" '
                    f'height="{bar - 1}" fill="{colour}"><title>{escape(results["database"])}: '
                    f"{row['ratio']:.2f} of the bare endpoint</title></rect>"
                )
        target = p95_targets.get(kinds[name])
        if target is not None:
            tx = left_p95 + PANEL_WIDTH * target / p95_max
            out.append(
                f'<line x1="{tx:.1f}" y1="{y + 2}" x2="{tx:.1f}" y2="{y + ROW - 2}" '
                'stroke="#c00000" stroke-width="2"/>'
            )
        if skipped:
            out.append(
                f'<text x="{left_p95 + 6}" y="{y + ROW / 2 + 4}" fill="#777777">skipped</text>'
            )
    ratio_x = left_ratio + PANEL_WIDTH * ratio_target / ratio_max
    out.append(
        f'<line x1="{ratio_x:.1f}" y1="{TOP - 4}" x2="{ratio_x:.1f}" y2="{bottom}" '
        'stroke="#c00000" stroke-dasharray="4 3"/>'
    )

    when = all_results[0].get("when", "") if all_results else ""
    scale = all_results[0].get("scale", "") if all_results else ""
    out.append(
        f'<text x="8" y="{height - 12}" fill="#555555">scale {escape(str(scale))} · '
        f"{escape(str(when))} · indicative figures (shared machine)</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"
