"""`pustaka report stats --days N --csv FILE --png FILE [--community ID]`: the librarian's monthly
report, the same figures as /stats, as a CSV table and the chart."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.api.community import circle
from bot.api.package import Report
from bot.api.services import Services
from cogs.stats import rollup
from cogs.stats.commands import MOST_DAYS
from cogs.stats.figures import Figures, feature_names, gather
from cogs.stats.render import Speaker, Voice, chart_words, weekdays


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--days", type=int, default=30, metavar="N", help="how many days back (default: 30)"
    )
    parser.add_argument("--csv", type=Path, metavar="FILE", help="write the figures as CSV")
    parser.add_argument("--png", type=Path, metavar="FILE", help="write the chart as PNG")
    parser.add_argument(
        "--community",
        metavar="ID",
        help="one community and those linked with it, by its number or its Discord/Telegram id"
        " (default: every community)",
    )


async def _run(args: argparse.Namespace, services: Services) -> int:
    if not 1 <= args.days <= MOST_DAYS:
        print(f"pustaka: --days must be between 1 and {MOST_DAYS}", file=sys.stderr)
        return 2
    if args.csv is None and args.png is None:
        print(
            "pustaka: say where to write the report: --csv FILE, --png FILE or both",
            file=sys.stderr,
        )
        return 2
    store = services.store
    config = services.config
    communities = await store.fetchall("SELECT id, platform_id, name, timezone FROM communities")
    if args.community is not None:
        chosen = [row for row in communities if args.community in (str(row[0]), row[1])]
        if not chosen:
            known = ", ".join(f"{row[0]} ({row[2] or row[1]})" for row in communities) or "none"
            print(
                f"pustaka: no community {args.community!r}; the communities are: {known}",
                file=sys.stderr,
            )
            return 2
        members = await circle(store, chosen[0][0])
        zone = chosen[0][3]
    else:
        members = tuple(row[0] for row in communities)
        zones = {row[3] for row in communities}
        zone = zones.pop() if len(zones) == 1 else None
    tz = ZoneInfo(zone) if zone else config.bot.tz
    now = services.clock.now()
    await rollup.catch_up(store, config.bot.tz, now)
    features = feature_names(services.registry)
    figures = await gather(
        store, services.events, members, days=args.days, now=now, tz=tz, features=features
    )
    voice = Voice(config.bot.locale, services.i18n.translations(config.bot.locale))
    try:
        if args.csv is not None:
            _write_csv(args.csv, figures, voice)
            print(f"Figures of the last {args.days} days written to {args.csv}.")
        if args.png is not None:
            from cogs.stats.chart import plan, render

            title = voice.ngettext(
                "Statistics: the last {days} day", "Statistics: the last {days} days", args.days
            ).format(days=args.days)
            words = chart_words(voice, figures, title)
            args.png.write_bytes(render(plan(figures, words, voice._)))
            print(f"Chart of the last {args.days} days written to {args.png}.")
    except OSError as error:
        print(f"pustaka: cannot write the report: {error}", file=sys.stderr)
        return 2
    return 0


def _write_csv(path: Path, figures: Figures, voice: Voice) -> None:
    path.write_text(csv_text(figures, voice), encoding="utf-8", newline="")


def csv_text(figures: Figures, voice: Speaker) -> str:
    """One row per figure: section, name, then its values, so a spreadsheet can filter it."""
    days = weekdays(voice.locale)
    with io.StringIO(newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["section", "name", "value", "value2", "value3", "value4"])
        writer.writerow(["summary", "members", figures.members])
        writer.writerow(["summary", "new_members", figures.new_members])
        writer.writerow(["summary", "uses", figures.uses])
        for week in figures.weeks:
            writer.writerow(
                ["week", week.monday.isoformat(), week.active, week.new, week.returning]
            )
        for name, uses in figures.features:
            writer.writerow(["feature", voice._(name), uses])
        for day, row in enumerate(figures.heat):
            for hour, count in enumerate(row):
                if count:
                    writer.writerow(["hour", f"{days[day]} {hour:02d}", count])
        for insight in figures.insights:
            for values in insight.rows:
                writer.writerow([insight.key, *values])
        return out.getvalue()


REPORT = Report("stats", "members' activity: CSV figures and a PNG chart", _arguments, _run)
