"""The /stats chart: one PNG of a fixed size (`SIZE`), drawn with matplotlib's Agg canvas.

matplotlib is imported only when a chart is drawn (it takes a while and some memory), and never
through pyplot: no global figure state, no GUI backend.
"""

from __future__ import annotations

import gc
import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cogs.stats.figures import Figures

if TYPE_CHECKING:
    from matplotlib.axes import Axes

SIZE = (1200, 1400)
"""Width and height in pixels."""
DPI = 100
PANEL_ROWS = 8
"""Bars shown in a feature's panel (its first rows)."""
INSIGHT_PANELS = 3
LABEL = 18
"""Characters of a bar's label (a longer one is cut with …)."""


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
    number: Callable[[float], str] = str
    """A number on an axis, as the reader's language writes it (10.000, 10,000)."""


def prepare() -> None:
    """Import matplotlib (half a second or more), e.g. in a thread while the figures are read."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401


def render(figures: Figures, words: Words, feature_label: Callable[[str], str]) -> bytes:
    """The chart as PNG. A matplotlib figure is a web of reference cycles: it is collected at
    once, not when the collector's oldest generation next runs (which let every chart's
    memory pile up: about 90 MB held after ten charts instead of 50)."""
    picture = _draw(figures, words, feature_label)
    gc.collect()
    return picture


def _draw(figures: Figures, words: Words, feature_label: Callable[[str], str]) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

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
    if figures.weeks:
        labels = [week.monday.strftime("%d/%m") for week in figures.weeks]
        positions = range(len(labels))
        returning = [week.returning for week in figures.weeks]
        new = [week.new for week in figures.weeks]
        weekly.bar(positions, returning, color="#4c72b0", label=words.returning)
        weekly.bar(positions, new, bottom=returning, color="#dd8452", label=words.new)
        step = max(1, len(labels) // 13)
        weekly.set_xticks(list(positions)[::step], labels[::step], rotation=45, fontsize=8)
        weekly.legend(loc="upper left", fontsize=9)
    else:
        _empty(weekly, words.nothing)

    used = figure.add_subplot(grid[0, 2])
    used.set_title(words.features, loc="left")
    top = figures.features[:PANEL_ROWS]
    if top:
        labels = [feature_label(name) for name, _ in top]
        _bars(used, labels, [count for _, count in top], words.number)
    else:
        _empty(used, words.nothing)

    heat = figure.add_subplot(grid[1, :])
    heat.set_title(words.heat, loc="left")
    heat.imshow(figures.heat, aspect="auto", cmap="YlOrRd", interpolation="nearest")
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
            shown = rows[:PANEL_ROWS]
            labels = [label for label, _ in shown]
            _bars(panel, labels, [value for _, value in shown], words.number)
        else:
            _empty(panel, words.nothing)

    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _bars(
    axes: Axes, labels: Sequence[str], values: Sequence[float], number: Callable[[float], str]
) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    shortened = [label if len(label) <= LABEL else label[: LABEL - 1] + "…" for label in labels]
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
