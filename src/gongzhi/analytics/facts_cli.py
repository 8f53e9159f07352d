"""``gongzhi facts refresh|rebuild``: bring the analytics fact tables up to date by hand.

The worker refreshes them every cycle; ``rebuild`` is for after changing the region tree or the
catalogue (facts roll communities up to streets and categories up to the second level) or a repair.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from gongzhi.config import Settings
from gongzhi.db import Database, utcnow

app = typer.Typer(help="Analytics fact tables (what dashboards read).", no_args_is_help=True)
console = Console()
DbOption = Annotated[str | None, typer.Option("--db", help="database URL (default: GONGZHI_DATABASE_URL)")]


def _database(db: str | None) -> tuple[Database, Settings]:
    try:
        settings = Settings(**({"database_url": db} if db else {}))  # type: ignore[arg-type]
    except ValueError as exc:
        console.print(f"[red]error:[/red] configuration: {exc}")
        raise typer.Exit(2) from None
    return Database(settings.database_url), settings


@app.command("refresh")
def refresh_command(db: DbOption = None) -> None:
    """Recompute the days touched since the last refresh (the first run rebuilds everything)."""
    from gongzhi.analytics.refresh import refresh

    database, settings = _database(db)
    with console.status("refreshing the facts …"), database.transaction() as session:
        report = refresh(session, zone=settings.zone, now=utcnow())
    console.print(f"{report.events} new events, {report.cases} cases, {report.days} days, {report.rows} fact rows")


@app.command("rebuild")
def rebuild_command(db: DbOption = None) -> None:
    """Recompute every fact from the cases and their events."""
    from gongzhi.analytics.refresh import rebuild

    database, settings = _database(db)
    with Progress(console=console) as progress, database.transaction() as session:
        task = progress.add_task("rebuilding the facts", total=None)

        def step(done: int, total: int) -> None:
            progress.update(task, total=total, advance=done)

        report = rebuild(session, zone=settings.zone, now=utcnow(), progress=step)
    console.print(f"{report.days} days, {report.rows} fact rows")
