"""The words around the numbers: the text table (the console), the summary sent with the chart,
and the chart's translated labels."""

from __future__ import annotations

import gettext
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from babel.dates import get_day_names

from bot.api.text import Text
from cogs.stats.chart import INSIGHT_PANELS, PANEL_ROWS, Words, number
from cogs.stats.figures import Figures
from cogs.stats.public import Insight

TABLE_ROWS = 10
"""Rows of a feature's table in the console."""
SUMMARY_ROWS = 5
"""Rows of a feature's table beside the chart."""
SHADES = " ░▒▓█"


class Speaker(Protocol):
    """Whom the figures are written for: a command's Context, or a `Voice` on the command line."""

    @property
    def locale(self) -> str: ...

    def _(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, count: int) -> str: ...


@dataclass(frozen=True, slots=True)
class Voice:
    locale: str
    translations: gettext.NullTranslations

    def _(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)


def weekdays(locale: str) -> list[str]:
    names = get_day_names("abbreviated", locale=locale)
    return [str(names[day]) for day in range(7)]


def _number(value: str | int | float, locale: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return number(value, locale)


def _headline(ctx: Speaker, figures: Figures) -> list[Text]:
    took_part = ctx.ngettext(
        "{members} member took part, {new} of them new.",
        "{members} members took part, {new} of them new.",
        figures.members,
    ).format(members=_number(figures.members, ctx.locale), new=figures.new_members)
    used = ctx.ngettext("{uses} command used.", "{uses} commands used.", figures.uses).format(
        uses=_number(figures.uses, ctx.locale)
    )
    lines = [Text.plain(f"{took_part} {used}")]
    if figures.behind:
        lines.append(
            Text.plain(
                ctx._(
                    "{count} of the latest uses are still being counted: ask again in a few "
                    "minutes for complete figures."
                ).format(count=_number(figures.behind, ctx.locale))
            )
        )
    busiest = figures.busiest
    if busiest is not None:
        day, hour = busiest
        lines.append(
            Text.plain(
                ctx._("Busiest time: {weekday} {hour}.00–{end}.00").format(
                    weekday=get_day_names("wide", locale=ctx.locale)[day],
                    hour=f"{hour:02d}",
                    end=f"{(hour + 1) % 24:02d}",
                )
            )
        )
    return lines


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cells as lines, each column as wide as its widest cell (numbers to the right)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(width) if index else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def _section(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Text:
    lines = [Text.format("**{title}**", title=title)]
    if rows:
        lines += [Text.plain(line) for line in _columns([list(header), *rows])]
    return Text.join(lines, "\n")


def _insight_rows(insight: Insight, locale: str, limit: int) -> list[list[str]]:
    return [[_number(value, locale) for value in row] for row in insight.rows[:limit]]


def _insights(ctx: Speaker, figures: Figures, limit: int) -> list[Text]:
    """Each feature's table with rows, then one line naming those with none."""
    parts, empty = [], []
    for insight in figures.insights:
        if not insight.rows:
            empty.append(ctx._(insight.title))
            continue
        header = [ctx._(column) for column in insight.columns]
        rows = _insight_rows(insight, ctx.locale, limit)
        parts.append(_section(ctx._(insight.title), header, rows))
    if empty:
        parts.append(
            Text.plain(
                ctx._("Nothing in this period: {sections}.").format(sections=", ".join(empty))
            )
        )
    return parts


def summary(ctx: Speaker, figures: Figures) -> Text:
    """Sent with the chart: the headline and the top rows of each feature's table."""
    parts = [Text.join(_headline(ctx, figures), "\n"), *_insights(ctx, figures, SUMMARY_ROWS)]
    return Text.join(parts, "\n\n")


def table(ctx: Speaker, figures: Figures) -> Text:
    """Everything as text: weeks, features, the weekday-by-hour map and each feature's table."""
    parts = [Text.join(_headline(ctx, figures), "\n")]
    parts.append(
        _section(
            ctx._("Active members per week"),
            [ctx._("Week of"), ctx._("New"), ctx._("Returning"), ctx._("Active")],
            [
                [week.monday.isoformat(), str(week.new), str(week.returning), str(week.active)]
                for week in figures.weeks
            ],
        )
    )
    parts.append(
        _section(
            ctx._("Activity by feature"),
            [ctx._("Feature"), ctx._("Uses")],
            [[ctx._(name), _number(uses, ctx.locale)] for name, uses in figures.features],
        )
    )
    parts.append(_heat_map(ctx, figures))
    parts += _insights(ctx, figures, TABLE_ROWS)
    return Text.join(parts, "\n\n")


def _heat_map(ctx: Speaker, figures: Figures) -> Text:
    most = max((count for row in figures.heat for count in row), default=0)
    names = weekdays(ctx.locale)
    width = max(len(name) for name in names)
    lines = [
        Text.format("**{title}**", title=ctx._("When members are active (hour of the day)")),
        Text.plain(" " * width + " " + "".join(f"{hour:<6d}" for hour in range(0, 24, 6)).rstrip()),
    ]
    for name, row in zip(names, figures.heat, strict=True):
        cells = "".join(
            SHADES[0 if not count else 1 + (len(SHADES) - 2) * count // most] for count in row
        )
        lines.append(Text.plain(f"{name.ljust(width)} {cells}|"))
    return Text.join(lines, "\n")


def chart_words(ctx: Speaker, figures: Figures, title: str) -> Words:
    _: Callable[[str], str] = ctx._
    took_part = ctx.ngettext(
        "{members} member took part", "{members} members took part", figures.members
    ).format(members=_number(figures.members, ctx.locale))
    insights = []
    for insight in figures.insights:
        if insight.chart is None or not insight.rows:
            continue
        column = insight.chart
        rows = [
            (str(row[0]), float(row[column]))
            for row in insight.rows[:PANEL_ROWS]
            if isinstance(row[column], int | float)
        ]
        insights.append((f"{_(insight.title)} ({_(insight.columns[column])})", rows))
        if len(insights) == INSIGHT_PANELS:
            break
    return Words(
        title=f"{title} — {took_part}",
        weekly=_("Active members per week"),
        new=_("New"),
        returning=_("Returning"),
        features=_("Activity by feature"),
        heat=_("When members are active"),
        weekdays=weekdays(ctx.locale),
        hour=_("Hour of the day"),
        nothing=_("Nothing in this period."),
        insights=insights,
        locale=ctx.locale,
    )
