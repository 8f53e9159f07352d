"""``gongzhi report monthly --month 2026-10 [--out DIR]``: the month's report as HTML and PDF.

Exit codes: 0 when both files are written, 2 for a usage or data error (a malformed month, a month that
has not begun, a month without cases, an unwritable directory) with a message saying what to do.
Register with ``app.add_typer(report_app, name="report")`` in ``gongzhi.cli``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import Progress
from sqlalchemy.exc import DBAPIError

from gongzhi.errors import GongzhiError

if TYPE_CHECKING:
    from gongzhi.analytics.report.render import Written
    from gongzhi.config import Settings
    from gongzhi.db import Database

app = typer.Typer(help="Reports.", no_args_is_help=True)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@app.command()
def monthly(
    month: Annotated[str, typer.Option("--month", help="the month, like 2026-10")],
    out_dir: Annotated[Path, typer.Option("--out", help="directory for the HTML and PDF files")] = Path("."),
    db: Annotated[str | None, typer.Option("--db", help="database URL (default: GONGZHI_DATABASE_URL)")] = None,
) -> None:
    """Refresh the analytics facts, then write the month's report (volumes, 三率, hot issues, alerts, 每月一题)."""
    from gongzhi.config import Settings
    from gongzhi.db import Database, utcnow

    try:
        settings = Settings(**({"database_url": db} if db else {}))  # type: ignore[arg-type]
    except ValueError as exc:
        _fail(f"configuration: {exc}")
    database = Database(settings.database_url)
    try:
        written = make_monthly(database, settings, month=month, out=out_dir, now=utcnow())
    except GongzhiError as exc:
        _fail(exc.message)
    except DBAPIError as exc:  # unreachable database, or a schema older than the code
        _fail(f"the database refused the report ({type(exc.orig).__name__}); check --db and run `gongzhi db upgrade`")
    finally:
        database.dispose()
    out.print(f"wrote {written.html} and {written.pdf} ({written.pages} pages)")


def make_monthly(database: Database, settings: Settings, *, month: str, out: Path, now: datetime) -> Written:
    """The command's work, callable from tests with a clock: check, refresh, collect, render."""
    from gongzhi.analytics.refresh import refresh
    from gongzhi.analytics.report import monthly as report
    from gongzhi.analytics.report import render

    zone = settings.zone
    period = report.check_month(month, today=now.astimezone(zone).date())
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task(f"report {period.label}", total=4)
        with database.transaction() as session:
            refresh(session, zone=zone, now=now)
        progress.update(task, advance=1, description="collecting figures")
        with database.reading() as session:
            data = report.build(session, period=period, zone=zone, now=now)
            place = _jurisdiction(session)
        progress.update(task, advance=1, description="writing HTML and PDF")
        written = render.write(data, out, zone=zone, jurisdiction=place)
        progress.update(task, advance=2)
    return written


def _jurisdiction(session) -> str:  # type: ignore[no-untyped-def]
    """The name of the city (the top region), for the title."""
    from sqlalchemy import select

    from gongzhi.directory.models import Region, RegionLevel

    return session.scalar(select(Region.name).where(Region.level == RegionLevel.CITY).order_by(Region.id)) or ""


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)
