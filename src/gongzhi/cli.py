"""The ``gongzhi`` command: a thin layer over domain functions, printing what happened or what to fix."""

from __future__ import annotations

import getpass
import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from gongzhi.accounts.models import Role
from gongzhi.analytics.facts_cli import app as facts_app
from gongzhi.analytics.hotissues_cli import app as analytics_app
from gongzhi.analytics.report.cli import app as report_app
from gongzhi.config import Settings
from gongzhi.db import Database, utcnow
from gongzhi.errors import GongzhiError
from gongzhi.ledger.cli import app as ledger_app
from gongzhi.ledger.witness_cli import app as witness_app
from gongzhi.text.cli import app as model_app

app = typer.Typer(help="共治 gongzhi: citizens' messages to government, handled in the open.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="Accounts.", no_args_is_help=True)
catalogue_app = typer.Typer(help="The three-level service catalogue.", no_args_is_help=True)
cases_app = typer.Typer(help="Cases.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(catalogue_app, name="catalogue")
app.add_typer(cases_app, name="cases")
app.add_typer(ledger_app, name="ledger")
app.add_typer(witness_app, name="witness")
app.add_typer(model_app, name="model")
app.add_typer(analytics_app, name="analytics")
app.add_typer(facts_app, name="facts")
app.add_typer(report_app, name="report")

console = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None, typer.Option("--db", help="database URL (default: GONGZHI_DATABASE_URL or ./gongzhi.db)")
]
HostOption = Annotated[str, typer.Option("--host", help="address to listen on")]
PortOption = Annotated[int, typer.Option("--port", help="port to listen on")]


def _settings(db: str | None, **overrides: object) -> Settings:
    try:
        return Settings(**({"database_url": db} if db else {}), **overrides)  # type: ignore[arg-type]
    except ValueError as exc:
        _fail(f"configuration: {exc}")
        raise  # unreachable: _fail exits


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)


def _run(action):  # type: ignore[no-untyped-def]
    """Run a domain action; a domain error becomes a message and exit code 2, never a traceback."""
    try:
        return action()
    except GongzhiError as exc:
        _fail(exc.message)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create or migrate the schema to the newest version."""
    from gongzhi.migrate import upgrade

    settings = _settings(db)
    upgrade(settings.database_url)
    console.print(f"schema up to date: {Database(settings.database_url).engine.url.render_as_string()}")


@app.command()
def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    db: DbOption = None,
    demo: Annotated[bool, typer.Option(help="demo mode: default secret allowed, worker in-process")] = False,
    workers: Annotated[int, typer.Option(min=1, help="web processes (PostgreSQL; or SQLite, one writer)")] = 1,
) -> None:
    """Serve the web application and APIs."""
    settings = _settings(db, **({"demo": True} if demo else {}))
    _serve(settings, host, port, workers=workers)


def _serve(settings: Settings, host: str, port: int, *, workers: int = 1) -> None:
    import os

    import uvicorn

    from gongzhi.web import processes
    from gongzhi.web.app import create_app

    try:
        application = create_app(settings)
    except ValueError as exc:
        _fail(str(exc))
    console.print(f"gongzhi serving on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    if workers == 1:
        uvicorn.run(application, host=host, port=port, log_level="warning")
        return
    # Each worker process builds its app from the environment: hand it the options given here.
    os.environ["GONGZHI_DATABASE_URL"] = settings.database_url
    os.environ["GONGZHI_DEMO"] = "true" if settings.demo else "false"
    if processes.available():
        try:
            code = processes.run(host, port, workers)
        except OSError as exc:
            _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
        raise typer.Exit(code)
    uvicorn.run(processes.APP, factory=True, host=host, port=port, workers=workers, log_level="warning")


@app.command()
def demo(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    db: DbOption = None,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="serve after seeding")] = True,
    cases: Annotated[int, typer.Option(help="historical cases to seed")] = 2400,
    seed: Annotated[int, typer.Option(help="random seed of the demo data")] = 2026,
    witnesses: Annotated[
        bool, typer.Option("--witnesses/--no-witnesses", help="run two ledger witnesses on PORT+1 and PORT+2")
    ] = True,
) -> None:
    """Migrate, seed a believable jurisdiction with a year of cases (once), print logins, and serve."""
    from gongzhi.demo.seed import seed_demo
    from gongzhi.migrate import upgrade

    settings = _settings(db, demo=True)
    upgrade(settings.database_url)
    database = Database(settings.database_url)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("seeding demo data", total=cases)
        logins = seed_demo(
            database,
            settings=settings,
            now=utcnow(),
            cases=cases,
            seed=seed,
            progress=lambda n: progress.advance(task, n),
        )
    _print_logins(logins)
    if serve_after and witnesses:
        settings = _demo_witnesses(database, settings, host, port)
    database.dispose()
    if serve_after:
        _serve(settings, host, port)


def _demo_witnesses(database: Database, settings: Settings, host: str, port: int) -> Settings:
    """Start the demo's two witnesses (real HTTP, keys kept beside the database); the worker submits to them."""
    from gongzhi.ledger.demo_witnesses import start_demo_witnesses

    try:
        running = start_demo_witnesses(database, settings, host=host, ports=(port + 1, port + 2))
    except OSError as exc:
        err.print(f"[yellow]demo witnesses not started[/yellow] (ports {port + 1}, {port + 2}): {exc.strerror or exc}")
        return settings
    for server in running.servers:
        console.print(f"ledger witness on {server.url}/add-checkpoint (keys and state in {running.directory})")
    return running.settings


def _print_logins(logins: dict[str, str]) -> None:
    console.print("[bold]demo logins[/bold] (password for all staff: see below)")
    for key, value in logins.items():
        console.print(f"  {key:<22} {value}")


@app.command()
def worker(db: DbOption = None, once: Annotated[bool, typer.Option(help="run one cycle and exit")] = False) -> None:
    """Sweep deadlines, auto-close unrated cases, send e-mail; every GONGZHI_SWEEP_INTERVAL_SECONDS."""
    import threading

    from gongzhi import worker as jobs

    settings = _settings(db)
    database = Database(settings.database_url)
    if once:
        console.print(jobs.run_once(database, settings, now=utcnow()))
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    console.print(f"worker running every {settings.sweep_interval_seconds} s; Ctrl-C stops it")
    stop = threading.Event()
    try:
        jobs.run_forever(database, settings, stop=stop)
    except KeyboardInterrupt:
        stop.set()


@user_app.command("add")
def user_add(
    username: str,
    role: Annotated[Role, typer.Option(help="citizen, dispatcher, handler, supervisor or admin")],
    department: Annotated[str | None, typer.Option(help="department code (handlers)")] = None,
    name: Annotated[str | None, typer.Option(help="display name")] = None,
    email: Annotated[str | None, typer.Option()] = None,
    password: Annotated[str | None, typer.Option(help="omit to be asked")] = None,
    db: DbOption = None,
) -> None:
    """Create an account."""
    from gongzhi.accounts.service import create_user
    from gongzhi.directory.lookup import department_by_code

    settings = _settings(db)
    secret = password or getpass.getpass("password: ")
    database = Database(settings.database_url)

    def act() -> None:
        with database.transaction() as session:
            dept = department_by_code(session, department).id if department else None
            create_user(
                session,
                username=username,
                password=secret,
                role=role,
                now=utcnow(),
                display_name=name,
                department_id=dept,
                email=email,
            )

    _run(act)
    console.print(f"created {role.value} {username}")


@catalogue_app.command("import")
def catalogue_import(
    file: Annotated[Path, typer.Argument(help="xlsx or csv with 一级分类, 二级分类, 三级分类")], db: DbOption = None
) -> None:
    """Import (or update) the service catalogue; existing codes stay stable."""
    from gongzhi.directory.catalogue import import_catalogue, read_rows

    settings = _settings(db)
    database = Database(settings.database_url)
    rows = _run(lambda: read_rows(file))
    with Progress(console=console) as progress, database.transaction() as session:
        task = progress.add_task("importing", total=len(rows))
        report = _run(lambda: import_catalogue(session, rows, progress=lambda n: progress.advance(task, n)))
    console.print(f"{report.rows} rows: {report.created} categories created, {report.existing} already known")


@catalogue_app.command("list")
def catalogue_list(db: DbOption = None) -> None:
    """Print the catalogue as a tree of codes and names."""
    from sqlalchemy import select

    from gongzhi.directory.models import Category

    database = Database(_settings(db).database_url)
    with database.reading() as session:
        for category in session.scalars(select(Category).order_by(Category.code)):
            console.print(f"{'  ' * (category.level - 1)}{category.code}  {category.name}")


@cases_app.command("export")
def cases_export(
    file: Annotated[Path, typer.Argument(help="output .xlsx or .csv")],
    start: Annotated[datetime | None, typer.Option("--from", help="submitted on or after")] = None,
    end: Annotated[datetime | None, typer.Option("--to", help="submitted before")] = None,
    db: DbOption = None,
) -> None:
    """Export cases (without names or contacts) to a spreadsheet."""
    from sqlalchemy import func, select

    from gongzhi.cases import export
    from gongzhi.cases.models import Case

    settings = _settings(db)
    zone = settings.zone
    t0 = start.replace(tzinfo=start.tzinfo or zone) if start else None
    t1 = end.replace(tzinfo=end.tzinfo or zone) if end else None
    database = Database(settings.database_url)
    with database.reading() as session, Progress(console=console) as progress:
        total = session.scalar(select(func.count(Case.id))) or 0
        task = progress.add_task("exporting", total=total)
        count = _run(
            lambda: export.write(
                file, export.rows(session, start=t0, end=t1), progress=lambda n: progress.advance(task, n)
            )
        )
    console.print(f"wrote {count} cases to {file}")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
