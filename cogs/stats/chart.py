"""The /stats chart: one PNG of a fixed size (`SIZE`), drawn with matplotlib's Agg canvas.

What the chart shows is first put into a `Chart` of plain values (`plan`), so it can be drawn in
another process (cogs/stats/drawing.py). This module imports nothing of the bot: that process
imports only it and matplotlib. matplotlib is imported only when a chart is drawn, and never
through pyplot: no global figure state, no GUI backend.
"""

from __future__ import annotations

import gc
import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from cogs.stats.figures import Figures

SIZE = (1200, 1400)
"""Width and height in pixels."""
DPI = 100
PANEL_ROWS = 8
"""Bars shown in a feature's panel (its first rows)."""
INSIGHT_PANELS = 3
LABEL = 18
"""Characters of a bar's label (a longer one is cut with …)."""

Bars = tuple[tuple[str, float], ...]
"""(label, value) of each bar."""


@dataclass(frozen=True, slots=True)
class Words:
    """What the chart says, already translated."""

    title: str
    weekly: str
    new: str
    returning: str
    features: str
    heat: str
    weekdays: Sequence[str]
    hour: str
    nothing: str
    insights: Sequence[tuple[str, Sequence[tuple[str, float]]]]
    """(title, [(label, value)]) of each feature's table with a chart column."""
    locale: str = "en"
    """How numbers on an axis are written (10.000 in Indonesian, 10,000 in English)."""


@dataclass(frozen=True, slots=True)
class Chart:
    """Everything the chart shows, as plain values (it is sent to the drawing process)."""

    words: Words
    weeks: tuple[tuple[str, int, int], ...]
    """(the week's Monday as dd/mm, returning members, new members)."""
    features: Bars
    heat: tuple[tuple[int, ...], ...]
    """Seven rows (Monday first) of 24 hourly counts."""


def plan(figures: Figures, words: Words, feature_label: Callable[[str], str]) -> Chart:
    words = _plain(words)
    return Chart(
        words=words,
        weeks=tuple(
            (week.monday.strftime("%d/%m"), week.returning, week.new) for week in figures.weeks
        ),
        features=tuple(
            (feature_label(name), float(count)) for name, count in figures.features[:PANEL_ROWS]
        ),
        heat=tuple(tuple(row) for row in figures.heat),
    )


def _plain(words: Words) -> Words:
    return replace(
        words,
        weekdays=tuple(words.weekdays),
        insights=tuple((title, tuple(rows)) for title, rows in words.insights),
    )


SAMPLE = Chart(
    words=Words(
        title="Sample",
        weekly="Weekly",
        new="New",
        returning="Returning",
        features="Features",
        heat="Heat",
        weekdays=("M", "T", "W", "T", "F", "S", "S"),
        hour="Hour",
        nothing="Nothing",
        insights=(("Table", (("Row", 1.0),)),),
    ),
    weeks=(("05/01", 1, 2),),
    features=(("Feature", 3.0),),
    heat=tuple(tuple(range(24)) for _ in range(7)),
)
"""A chart with every part, drawn once ahead so the first real one is not slowed."""


def render(chart: Chart) -> bytes:
    """The chart as PNG. A matplotlib figure is a web of reference cycles: it is collected at
    once, not when the collector's oldest generation next runs (which let every chart's
    memory pile up: about 90 MB held after ten charts instead of 50)."""
    picture = _draw(chart)
    gc.collect()
    return picture


def _draw(chart: Chart) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    words = chart.words
    number = _numbers(words.locale)
    figure = Figure(figsize=(SIZE[0] / DPI, SIZE[1] / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(words.title, fontsize=15, fontweight="bold")
    # A fixed layout: matplotlib's automatic ones draw the figure several times.
    grid = figure.add_gridspec(
        3,
        INSIGHT_PANELS,
        height_ratios=(1.1, 1.0, 1.0),
        left=0.13,
        right=0.97,
        top=0.93,
        bottom=0.04,
        hspace=0.35,
        wspace=0.9,
    )

    weekly = figure.add_subplot(grid[0, :2])
    weekly.set_title(words.weekly, loc="left")
    if chart.weeks:
        labels = [monday for monday, _, _ in chart.weeks]
        positions = range(len(labels))
        returning = [count for _, count, _ in chart.weeks]
        new = [count for _, _, count in chart.weeks]
        weekly.bar(positions, returning, color="#4c72b0", label=words.returning)
        weekly.bar(positions, new, bottom=returning, color="#dd8452", label=words.new)
        step = max(1, len(labels) // 13)
        weekly.set_xticks(list(positions)[::step], labels[::step], rotation=45, fontsize=8)
        weekly.legend(loc="upper left", fontsize=9)
    else:
        _empty(weekly, words.nothing)

    used = figure.add_subplot(grid[0, 2])
    used.set_title(words.features, loc="left")
    if chart.features:
        _bars(used, chart.features, number)
    else:
        _empty(used, words.nothing)

    heat = figure.add_subplot(grid[1, :])
    heat.set_title(words.heat, loc="left")
    heat.imshow(chart.heat, aspect="auto", cmap="YlOrRd", interpolation="nearest")
    heat.set_yticks(range(7), list(words.weekdays))
    heat.set_xticks(range(0, 24, 2), [f"{hour:02d}" for hour in range(0, 24, 2)])
    heat.set_xlabel(words.hour)

    for index in range(INSIGHT_PANELS):
        panel = figure.add_subplot(grid[2, index])
        if index >= len(words.insights):
            panel.set_axis_off()
            continue
        title, rows = words.insights[index]
        panel.set_title(textwrap.fill(title, 34), loc="left", fontsize=10)
        if rows:
            _bars(panel, tuple(rows[:PANEL_ROWS]), number)
        else:
            _empty(panel, words.nothing)

    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def number(value: float, locale: str) -> str:
    """A number as the reader's language writes it (10.000 in Indonesian, 10,000 in English),
    at most one decimal."""
    from babel.numbers import format_decimal

    return format_decimal(value, "#,##0.#", locale=locale)


def _numbers(locale: str) -> Callable[[float], str]:
    """An axis's numbers: matplotlib hands whole numbers as floats (2.0), shown as 2."""
    return lambda value: number(int(value) if value == int(value) else value, locale)


def _bars(axes: Axes, bars: Bars, number: Callable[[float], str]) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    values = [value for _, value in bars]
    shortened = [label if len(label) <= LABEL else label[: LABEL - 1] + "…" for label, _ in bars]
    axes.barh(range(len(values)), values, color="#55a868")
    axes.set_yticks(range(len(values)), shortened, fontsize=8)
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(3, integer=True))
    axes.tick_params(axis="x", labelsize=8)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value)))


def _empty(axes: Axes, message: str) -> None:
    axes.set_xticks([])
    axes.set_yticks([])
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes, color="gray")
