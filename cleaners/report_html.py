"""``micnews report`` as one self-contained HTML page: static SVG charts, tables, no network.

Every chart is a ``<figure class="chart" data-chart=NAME>`` holding pygal's SVG (each
mark carries its number in ``<desc class="value">``), followed by the same numbers as a
table and as a JSON island ``<script type="application/json" data-chart=NAME>`` of
``{"series", "x", "value"}`` points, so people, scripts and tests read one set of numbers.
The page shell is ``report_template.html`` (Jinja2, autoescaped: titles come from the web).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from importlib.resources import files
from typing import Any

import pygal
from jinja2 import Environment
from markupsafe import Markup
from pygal.style import Style

from micnews.cleaners.record import VN_TZ
from micnews.cleaners.report import (
    FIELD_LABELS,
    FIELDS,
    METHOD_ORDER,
    UNDATED,
    Report,
    Run,
    pivot,
)

FONTS = ('"Be Vietnam Pro", "Noto Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, '
         '"Liberation Sans", "DejaVu Sans", sans-serif')  # all carry Vietnamese diacritics
PALETTE = ("#1f6feb", "#e5534b", "#2da44e", "#bf8700", "#8250df", "#1b7c83", "#cf222e",
           "#6e7781", "#0969da", "#9a6700", "#a475f9", "#3fb950")
OTHER_COLOR = "#8c959f"  # the "other N sites" series
STATUS_COLORS = {"2xx": "#2da44e", "3xx": "#1f6feb", "404": "#d4a72c", "4xx": "#bf8700",
                 "other 4xx": "#bf8700", "5xx": "#cf222e", "other": "#8c959f"}
METHOD_COLORS = {"profile": "#2da44e", "profile+fallback": "#bf8700",
                 "generic_fallback": "#cf222e", "generic": "#8c959f"}
STYLE_OPTIONS: dict[str, Any] = {
    "font_family": FONTS, "label_font_size": 13, "major_label_font_size": 13,
    "legend_font_size": 13, "value_font_size": 12, "tooltip_font_size": 13,
    "title_font_size": 15, "background": "transparent", "plot_background": "#ffffff",
    "foreground": "#24292f", "foreground_strong": "#1f2328", "foreground_subtle": "#d0d7de",
    "opacity": ".9", "opacity_hover": "1", "transition": "0ms",
}
CHART = {"js": [], "disable_xml_declaration": True, "width": 640,
         "height": 330, "legend_at_bottom": True,
         "truncate_legend": 40, "truncate_label": 24, "print_values": False,
         "margin": 12, "margin_bottom": 28, "spacing": 8, "no_data_text": "nothing yet"}


def ticks(top: int) -> list[int]:
    """At most about six whole-number ticks from 0 to at least ``top`` (counts, not 0.1s)."""
    if top <= 0:
        return [0, 1]
    raw = top / 5
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = max(1, next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))
    return list(range(0, top + step, step)) if top % step else list(range(0, top + 1, step))


def _chart(kind: type[pygal.graph.graph.Graph], x_labels: list[str],
           series: dict[str, list[int | None]], colors: dict[str, str] | None = None,
           **options: Any) -> str:
    columns = list(zip(*series.values(), strict=True)) if series else []
    if "Stacked" in kind.__name__:
        top = max((sum(v or 0 for v in col) for col in columns), default=0)
    else:
        top = max((v or 0 for col in columns for v in col), default=0)
    # pygal leaves too little room under the plot for a legend row with empty columns
    legend_columns = min(3, max(1, len(series)))
    axis = {} if kind is pygal.Dot else {"y_labels": ticks(int(top))}  # Dot: y = series
    chosen = [(colors or {}).get(name) or (OTHER_COLOR if name.startswith("other ") else
                                            PALETTE[i % len(PALETTE)])
              for i, name in enumerate(series)]
    style = Style(**{**STYLE_OPTIONS, "colors": tuple(chosen) or PALETTE})
    chart = kind(**{**CHART, **axis, "style": style, "legend_at_bottom_columns": legend_columns,
                    **options})
    chart.x_labels = x_labels
    for name, values in series.items():
        chart.add(name, values)
    return chart.render(is_unicode=True)


def _points(x_labels: list[str], series: dict[str, list[int | None]]) -> list[dict[str, Any]]:
    return [{"series": name, "x": x, "value": v}
            for name, values in series.items() for x, v in zip(x_labels, values, strict=True)
            if v]


# per figure: what its series and its x axis are, for the table of its numbers
AXES = {
    "timeline": ("site", "month"), "added": ("site", "run"),
    "extraction": ("method", "site · family"), "extraction_runs": ("method", "run"),
    "completeness": ("site", "field"), "syndication": ("copy on", "original on"),
    "status": ("status", "run"), "not_articles": ("reason", "run"),
}


def _figure(name: str, svg: str, points: list[dict[str, Any]], caption: str) -> dict[str, Any]:
    data = json.dumps(points, ensure_ascii=False).replace("</", "<\\/")
    return {"name": name, "svg": Markup(svg), "caption": caption, "data": Markup(data),
            "total": sum(p["value"] for p in points), "table": _table(points, *AXES[name])}


MAX_SERIES = 10  # more series than this: the smallest are summed as "other N sites"
RECENT_MONTHS = 12


def keep_top(series: dict[str, list[int | None]], limit: int = MAX_SERIES,
             noun: str = "sites") -> dict[str, list[int | None]]:
    """The ``limit - 1`` largest series, the others summed into one ``other N sites``."""
    if len(series) <= limit:
        return series
    ranked = sorted(series, key=lambda k: (-sum(v or 0 for v in series[k]), k))
    kept, rest = ranked[:limit - 1], ranked[limit - 1:]
    other = [sum(series[k][i] or 0 for k in rest) or None
             for i in range(len(next(iter(series.values()))))]
    return {**{k: series[k] for k in kept}, f"other {len(rest)} {noun}": other}


def _transpose(series: dict[str, list[int | None]], xs: list[str]
               ) -> dict[str, list[int | None]]:
    return {x: [values[i] for values in series.values()] for i, x in enumerate(xs)}


def _matrix(rows: list[dict[str, Any]], row_key: str, col_key: str,
            value: str = "articles") -> tuple[list[str], dict[str, list[int | None]]]:
    """x labels = ``col_key`` values, one series per ``row_key`` value (None = no cell)."""
    row_labels, col_labels, cells = pivot(rows, row_key, col_key, value)
    return col_labels, {r: [cells.get((r, c)) for c in col_labels] for r in row_labels}


def _local(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(VN_TZ).strftime(fmt) if moment else "—"


def month_range(months: list[str]) -> list[str]:
    """Every month from the first to the last of ``months`` (YYYY-MM), gaps included."""
    if not months:
        return []
    (y, m), (y_end, m_end) = (map(int, min(months).split("-")),
                              map(int, max(months).split("-")))
    out = []
    while (y, m) <= (y_end, m_end):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def recent_months(report: Report) -> tuple[list[str], dict[str, list[int]]]:
    """The last :data:`RECENT_MONTHS` months up to the newest article, and each site's counts."""
    dated = [r["month"] for r in report.timeline if r["month"] != UNDATED]
    if not dated:
        return [], {}
    months = month_range(dated)[-RECENT_MONTHS:]
    _, _, cells = pivot(report.timeline, "site", "month")
    return months, {site: [cells.get((site, m), 0) for m in months] for site in report.sites}


def timeline_figure(report: Report) -> dict[str, Any] | None:
    if not report.timeline:
        return None
    _, found, cells = pivot(report.timeline, "site", "month")
    months = month_range([m for m in found if m != UNDATED]) + (
        [UNDATED] if UNDATED in found else [])
    series = keep_top({site: [cells.get((site, m)) for m in months] for site in report.sites})
    options: dict[str, Any] = {}
    if len(months) > 24:  # label Januaries only, at most about a dozen of them
        januaries = [m for m in months if m.endswith("-01")]
        step = max(1, math.ceil(len(januaries) / 12))
        options = {"x_labels_major": januaries[::step], "show_minor_x_labels": False}
    svg = _chart(pygal.StackedBar, months, series, x_label_rotation=40, **options)
    return _figure("timeline", svg, _points(months, series),
                   "Articles by month of publication (Vietnam time), stacked by site")


def added_figure(report: Report) -> dict[str, Any] | None:
    if not report.added_by_run:
        return None
    present = {r["run"] for r in report.added_by_run}
    runs = [r.label for r in report.runs if r.label in present]  # in time order
    sites, _, cells = pivot(report.added_by_run, "site", "run")
    series = keep_top({site: [cells.get((site, run)) for run in runs] for site in sites})
    svg = _chart(pygal.StackedBar, runs, series, x_label_rotation=30)
    return _figure("added", svg, _points(runs, series),
                   "Articles added by each of the last runs (by fetch time), per site")


def extraction_figure(report: Report) -> dict[str, Any] | None:
    if not report.extraction:
        return None
    rows = [{"key": f"{r['site']} · {r['family']}", "method": r["method"],
             "articles": r["articles"]} for r in report.extraction]
    keys, _, cells = pivot(rows, "key", "method")
    methods = _ordered_methods({r["method"] for r in rows})
    series = {m: [cells.get((k, m)) for k in keys] for m in methods}
    svg = _chart(pygal.HorizontalStackedBar, keys, series, colors=METHOD_COLORS,
                 height=110 + 26 * len(keys))
    return _figure("extraction", svg, _points(keys, series),
                   "Articles per site and family by extraction method: profile (the family's "
                   "profile alone), profile+fallback (some fields found by meaning), "
                   "generic_fallback (the profile found no body: a redesign?), generic "
                   "(no known family)")


def extraction_runs_figure(report: Report) -> dict[str, Any] | None:
    if not report.extraction_by_run:
        return None
    present = {r["run"] for r in report.extraction_by_run}
    runs = [r.label for r in report.runs if r.label in present]
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for r in report.extraction_by_run:
        totals[(r["method"], r["run"])] += r["articles"]
    methods = _ordered_methods({m for m, _ in totals})
    per_run = {run: sum(totals.get((m, run), 0) for m in methods) for run in runs}
    counts = {m: [totals.get((m, run)) for run in runs] for m in methods}
    shares = {m: [round(100 * n / per_run[run], 1) if n else None
                  for n, run in zip(values, runs, strict=True)] for m, values in counts.items()}
    svg = _chart(pygal.StackedBar, runs, shares, colors=METHOD_COLORS, x_label_rotation=30,
                 y_labels=list(range(0, 101, 20)))
    points = _points(runs, counts)
    for point in points:
        point["share"] = round(100 * point["value"] / per_run[point["x"]], 1)
    return _figure("extraction_runs", svg, points,
                   "Share of each extraction method among the articles each of the last runs "
                   "added (a rising share of fallbacks or generic = a profile that rots)")


def _ordered_methods(found: set[str]) -> list[str]:
    return [m for m in METHOD_ORDER if m in found] + sorted(found - set(METHOD_ORDER))


def completeness_figure(report: Report) -> dict[str, Any] | None:
    if not report.completeness:
        return None
    labels = [FIELD_LABELS[f] for f in FIELDS]
    rows = keep_top({r["site"]: [r["rows"]] for r in report.completeness})
    counts: dict[str, list[int | None]] = {}
    for row in report.completeness:
        name = row["site"] if row["site"] in rows else next(reversed(rows))
        add = [row[f] for f in FIELDS]
        counts[name] = [a + b for a, b in zip(counts.get(name, [0] * len(FIELDS)), add,
                                               strict=True)]
    shares = {name: [round(100 * n / rows[name][0], 1) if n else None for n in values]
              for name, values in counts.items()}
    svg = _chart(pygal.Bar, labels, shares, y_labels=list(range(0, 101, 20)))
    points = _points(labels, counts)
    for point in points:
        point["share"] = round(100 * point["value"] / rows[point["series"]][0], 1)
    return _figure("completeness", svg, points,
                   "Share of articles that have each field, per site (%)")


def syndication_figure(report: Report) -> dict[str, Any] | None:
    if not report.syndication:
        return None
    originals, series = _matrix(report.syndication, "copy", "original")
    series = keep_top(series)
    by_original = keep_top(_transpose(series, originals))  # the same cap for the columns
    originals = list(by_original)
    series = _transpose(by_original, list(series))
    svg = _chart(pygal.Dot, originals, series, x_label_rotation=30, print_values=True,
                 show_legend=False, x_title="original on", y_title="copies on",
                 height=max(260, 120 + 40 * len(series)))
    return _figure("syndication", svg, _points(originals, series),
                   "Copies (dup_of): each row is a site carrying copies, each column the site "
                   "whose article it copies; the dot grows with the count")


def _per_run_figure(report: Report, name: str, counts: Callable[[Run], dict[str, int]],
                    caption: str, **options: Any) -> dict[str, Any] | None:
    """A stacked bar per run of one family of run counters (status classes, reasons…)."""
    runs = [r for r in report.runs if counts(r)]
    if not runs:
        return None
    keys = sorted({k for r in runs for k in counts(r)})
    labels = [r.label for r in runs]
    series = {k: [counts(r).get(k) for r in runs] for k in keys}
    svg = _chart(pygal.StackedBar, labels, series, x_label_rotation=30, **options)
    return _figure(name, svg, _points(labels, series), caption)


def status_figure(report: Report) -> dict[str, Any] | None:
    return _per_run_figure(report, "status", lambda r: r.status_classes,
                           "Pages by HTTP status class, per run", colors=STATUS_COLORS)


def not_articles_figure(report: Report) -> dict[str, Any] | None:
    return _per_run_figure(report, "not_articles", lambda r: r.not_articles,
                           "Pages that were not articles, by reason, per run",
                           legend_at_bottom_columns=1, truncate_legend=80)


def _table(points: list[dict[str, Any]], series_name: str, x_name: str) -> dict[str, Any]:
    """The numbers of a figure as a matrix: rows = series, columns = x."""
    xs = list(dict.fromkeys(p["x"] for p in points))
    rows = list(dict.fromkeys(p["series"] for p in points))
    cells = {(p["series"], p["x"]): p["value"] for p in points}
    return {"corner": f"{series_name} \\ {x_name}", "columns": xs,
            "rows": [{"name": r, "cells": [cells.get((r, x), 0) for x in xs],
                      "total": sum(cells.get((r, x), 0) for x in xs)} for r in rows]}


def _environment() -> Environment:
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["local"] = _local
    env.filters["num"] = lambda n: "—" if n is None else f"{n:,}".replace(",", " ")
    env.filters["pct"] = lambda n, d: f"{100 * n / d:.0f} %" if d else "—"
    return env


def render(report: Report) -> str:
    """The whole page for ``report``."""
    figures = {name: builder(report) for name, builder in (
        ("timeline", timeline_figure), ("added", added_figure),
        ("extraction", extraction_figure), ("extraction_runs", extraction_runs_figure),
        ("completeness", completeness_figure), ("syndication", syndication_figure),
        ("status", status_figure), ("not_articles", not_articles_figure))}
    months, spark = recent_months(report)
    template = (files("micnews.cleaners") / "report_template.html").read_text("utf-8")
    return _environment().from_string(template).render(
        r=report, fig=figures, fields=FIELDS, field_labels=FIELD_LABELS, fonts=FONTS,
        months=months, spark=spark)
