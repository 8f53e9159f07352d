"""``gongzhi analytics hot-issues``: the hottest issues of the cases in a window, or of a spreadsheet.

Exit codes: 0 when all is well, 2 for a usage or data error (the message says what to fix).
Register with ``app.add_typer(analytics_app, name="analytics")`` in ``gongzhi.cli``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from gongzhi.errors import GongzhiError

if TYPE_CHECKING:  # the clustering stack (scikit-learn) loads only when a command runs
    from gongzhi.analytics.hotissues import HotIssue, Message, Window

app = typer.Typer(help="Analytics: hot issues.", no_args_is_help=True)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@app.command("hot-issues")
def hot_issues(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", help="messages in a .xlsx/.csv with Teddy 附件3's columns; default: the database's cases"
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=1000, help="how many issues")] = 5,
    window_days: Annotated[
        float | None, typer.Option("--window-days", help="days back from --now; default 30 for cases, all for --data")
    ] = None,
    half_life_days: Annotated[
        float, typer.Option("--half-life-days", help="recency half-life in days; 0 turns the recency decay off")
    ] = 14.0,
    min_messages: Annotated[int, typer.Option("--min-messages", min=1, help="smallest issue, in messages")] = 2,
    now: Annotated[
        datetime | None, typer.Option("--now", help="end of the window (default: now, or the newest message of --data)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
    db: Annotated[str | None, typer.Option("--db", help="database URL (default: GONGZHI_DATABASE_URL)")] = None,
) -> None:
    """Cluster the messages of the window into issues and print the hottest with their counts."""
    from gongzhi.analytics.hotissues import HeatWeights, find_hot_issues

    try:
        settings = _settings(db)
        weights = HeatWeights(half_life_days=half_life_days or None)
        with err.status("reading messages …"):
            messages, words, window = _messages(data, settings, now, window_days)
        with err.status(f"clustering {len(messages)} messages …"):
            issues = find_hot_issues(
                messages, window=window, top=top, min_messages=min_messages, weights=weights, user_words=words
            )
    except GongzhiError as exc:
        _fail(exc.message)
    except ValueError as exc:  # settings from the environment
        _fail(f"configuration: {exc}")
    except DBAPIError as exc:  # unreachable database, or a schema older than the code
        _fail(f"the database refused the query ({type(exc.orig).__name__}); check --db and run `gongzhi db upgrade`")
    if as_json:
        typer.echo(json.dumps([i.as_dict(members=False) for i in issues], ensure_ascii=False, indent=1))
        return
    _print_table(issues, settings.zone)


def _settings(db: str | None):  # type: ignore[no-untyped-def]
    from gongzhi.config import Settings

    return Settings(**({"database_url": db} if db else {}))  # type: ignore[arg-type]


def _messages(
    data: Path | None,
    settings,
    now: datetime | None,
    window_days: float | None,  # type: ignore[no-untyped-def]
) -> tuple[list[Message], list[str], Window]:
    """The messages, the segmenter's user words and the window, from the file or the database."""
    from gongzhi.analytics import hotissues_sources as sources
    from gongzhi.analytics.hotissues import Window

    end = now.replace(tzinfo=now.tzinfo or settings.zone).astimezone(UTC) if now else None
    if data is not None:
        messages = sources.file_messages(data, zone=settings.zone)
        window = Window(end or max(m.at for m in messages), window_days)
        return messages, [], window
    from gongzhi.db import Database, utcnow

    window = Window(end or utcnow(), window_days if window_days is not None else 30.0)
    database = Database(settings.database_url)
    try:
        with database.reading() as session:
            return sources.case_messages(session, window=window), sources.directory_words(session), window
    finally:
        database.dispose()


def _print_table(issues: list[HotIssue], zone) -> None:  # type: ignore[no-untyped-def]
    if not issues:
        out.print("no issue: the window holds no group of similar messages")
        return
    table = Table("#", "heat", "messages", "citizens", "supports", "issue", "where", "from – to")
    for issue in issues:
        span = f"{issue.first_at.astimezone(zone):%Y-%m-%d} – {issue.last_at.astimezone(zone):%Y-%m-%d}"
        table.add_row(
            str(issue.rank),
            f"{issue.heat:.2f}",
            str(issue.messages),
            str(issue.citizens),
            str(issue.supports),
            f"{issue.title}\n[dim]{' · '.join(issue.keywords)}[/dim]",
            "、".join(issue.places),
            span,
        )
    (out if out.is_terminal else Console(width=160)).print(table)  # a pipe or file gets the full lines


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)
