"""Analytics benchmark: a city's two years of cases, the dashboard's server time, one day's refresh.

Creates a scratch database with the demo jurisdiction and N cases (default 1,000,000) over two years,
bulk-inserted (cases, their events and ratings, without going through the workflow): volumes grow
over time, dip at weekends and in the Spring Festival week, peak in summer; categories, communities
and types follow skewed (Zipf-like) distributions; departments differ in speed and satisfaction.
Then it measures:

- the full rebuild of the fact tables (for information);
- the server time of the heaviest dashboard pages (goal ≤ 1 s), in-process through the ASGI app;
- the incremental refresh after one more day of cases and of events on older cases (goal ≤ 5 s).

    python benchmarks/analytics.py [--n 1000000] [--backend sqlite|postgresql|all] [--repeat 5]

PostgreSQL: GONGZHI_BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres) names a
server where the scratch database ``gongzhi_bench_analytics`` is (re)created.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from fastapi.testclient import TestClient
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gongzhi import analytics  # noqa: E402
from gongzhi.accounts.models import Role  # noqa: E402
from gongzhi.accounts.service import create_user, start_session  # noqa: E402
from gongzhi.config import Settings  # noqa: E402
from gongzhi.db import Database  # noqa: E402
from gongzhi.demo.seed_directory import seed_directory  # noqa: E402
from gongzhi.directory.models import Category, Department, DepartmentKind, Region, RoutingRule  # noqa: E402
from gongzhi.migrate import upgrade  # noqa: E402
from gongzhi.web.app import create_app  # noqa: E402
from gongzhi.web.deps import SESSION_COOKIE  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
PG_DB = "gongzhi_bench_analytics"
CHUNK = 20_000  # cases per insert batch
TYPES = (("consultation", 30), ("help", 25), ("complaint", 25), ("report", 8), ("suggestion", 10), ("praise", 2))
CASE_COLUMNS = (
    "id tracking_code secret_hash channel title content type category_id urgency region_id is_public status "
    "department_id return_count reopen_count needs_arbitration arbitrated supporters submitted_at dispatched_at "
    "accepted_at replied_at closed_at updated_at response_warned response_escalated resolution_warned "
    "resolution_escalated version"
).split()
EVENT_COLUMNS = "case_id kind from_status to_status actor_role department_id at data".split()
RATING_COLUMNS = "case_id department_id solved satisfaction at".split()
console = Console()


@dataclass
class City:
    """What the generator draws from: the demo jurisdiction's ids, with skewed weights."""

    categories: list[int]
    category_weights: list[float]
    route: dict[int, int | None]  # category → department (None: by street)
    communities: list[int]
    community_weights: list[float]
    street_of: dict[int, int]
    street_office: dict[int, int]
    bureaus: list[int]
    speed: dict[int, float] = field(default_factory=dict)  # handling-time factor per department
    quality: dict[int, float] = field(default_factory=dict)  # satisfaction probability per department


def load_city(db: Database, rng: random.Random) -> City:
    with db.reading() as s:
        leaves = list(s.scalars(select(Category).where(Category.level == 3).order_by(Category.code)))
        rules = {r.category_id: r for r in s.scalars(select(RoutingRule))}
        regions = list(s.scalars(select(Region)))
        departments = list(s.scalars(select(Department)))
    streets = {r.id for r in regions if r.level.value == "street"}
    communities = [r for r in regions if r.level.value == "community"]
    offices = {d.region_id: d.id for d in departments if d.kind is DepartmentKind.STREET and d.region_id}
    bureaus = [d.id for d in departments if d.kind in (DepartmentKind.BUREAU, DepartmentKind.ENTERPRISE)]
    route: dict[int, int | None] = {}
    for leaf in leaves:
        rule = rules.get(leaf.id) or rules.get(leaf.parent_id or 0)
        route[leaf.id] = None if rule is not None and rule.by_street else (rule.department_id if rule else None)
        if rule is None:
            route[leaf.id] = rng.choice(bureaus)
    order = list(range(len(leaves)))
    rng.shuffle(order)
    city = City(
        categories=[leaves[i].id for i in order],
        category_weights=[1 / (rank + 1) ** 0.9 for rank in range(len(leaves))],
        route=route,
        communities=[c.id for c in communities],
        community_weights=[rng.paretovariate(1.2) for _ in communities],
        street_of={c.id: c.parent_id for c in communities if c.parent_id in streets},
        street_office=offices,
        bureaus=bureaus,
    )
    for d in departments:
        city.speed[d.id] = rng.lognormvariate(0, 0.35)
        city.quality[d.id] = min(0.97, max(0.55, rng.gauss(0.84, 0.08)))
    return city


def daily_volumes(n: int, first: date, days: int, rng: random.Random) -> list[int]:
    """N cases spread over the days: growth, weekly and yearly seasons, the Spring Festival, a few surges."""
    weights = []
    for i in range(days):
        day = first + timedelta(days=i)
        w = 1 + 0.25 * i / days
        w *= 0.6 if day.weekday() >= 5 else 1.0
        w *= 1 + 0.25 * math.sin(2 * math.pi * (day.timetuple().tm_yday - 100) / 365)
        w *= 0.45 if (day.month, day.day) in {(1, 29), (1, 30), (1, 31), (2, 1), (2, 2), (2, 3), (2, 4)} else 1
        w *= 2.5 if rng.random() < 0.01 else 1
        weights.append(w)
    scale = n / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in rng.sample(range(days), n - sum(counts)):
        counts[i] += 1
    return counts


class Life:
    """One case's history as it is generated; events after ``now`` do not happen (yet)."""

    def __init__(self, case_id: int, submitted: datetime, now: datetime) -> None:
        self.case_id, self.submitted, self.now = case_id, submitted, now
        self.status = "submitted"
        self.events: list[tuple[Any, ...]] = [(case_id, "submit", None, "submitted", "citizen", None, submitted, {})]
        self.ratings: list[tuple[Any, ...]] = []
        self.times: dict[str, datetime | None] = dict.fromkeys(("dispatched", "accepted", "replied", "closed"))
        self.returns = self.reopens = 0

    def add(self, kind: str, to: str, when: datetime, department: int | None, data: dict | None = None) -> bool:
        if when > self.now:
            return False
        self.events.append((self.case_id, kind, self.status, to, "handler", department, when, data or {}))
        self.status = to
        stamp = {"dispatch": "dispatched", "accept": "accepted", "reply": "replied"}.get(kind)
        if stamp:
            self.times[stamp] = when
        if to in ("closed", "invalid"):
            self.times["closed"] = when
        self.returns += kind == "return"
        self.reopens += kind == "reopen"
        return True

    def row(self, category: int, region: int, kind: str, dept: int | None) -> tuple[Any, ...]:
        t = self.times
        holder = dept if self.status not in ("submitted", "returned", "invalid") else None
        updated = max(e[6] for e in self.events)
        return (
            self.case_id, f"B{self.case_id:010d}", "0" * 64, "web", "benchmark case",
            "generated for benchmarks/analytics.py", kind, category, "normal", region, False, self.status, holder,
            self.returns, self.reopens, False, False, 0, self.submitted, t["dispatched"], t["accepted"],
            t["replied"], t["closed"], updated, False, False, False, False, 1,
        )  # fmt: skip


class Generator:
    """Cases with their events and ratings, as rows ready for a bulk insert."""

    def __init__(self, city: City, rng: random.Random, now: datetime) -> None:
        self.city, self.rng, self.now = city, rng, now
        self.type_names = [t for t, _ in TYPES]
        self.type_cum = list(itertools.accumulate(w for _, w in TYPES))
        self.category_cum = list(itertools.accumulate(city.category_weights))
        self.community_cum = list(itertools.accumulate(city.community_weights))

    def department_for(self, category: int, community: int) -> int:
        target = self.city.route.get(category)
        if target is None:
            street = self.city.street_of.get(community)
            return self.city.street_office.get(street or 0) or self.rng.choice(self.city.bureaus)
        return target

    def case(self, case_id: int, submitted: datetime) -> tuple[tuple[Any, ...], list[tuple], list[tuple]]:
        rng, city = self.rng, self.city
        category = rng.choices(city.categories, cum_weights=self.category_cum)[0]
        community = rng.choices(city.communities, cum_weights=self.community_cum)[0]
        region = city.street_of.get(community, community) if rng.random() < 0.1 else community
        kind = rng.choices(self.type_names, cum_weights=self.type_cum)[0]
        life = Life(case_id, submitted, self.now)
        dept = self.department_for(category, community)
        if rng.random() < 0.04:
            life.add("invalidate", "invalid", submitted + timedelta(hours=rng.uniform(0.5, 8)), None)
            return life.row(category, region, kind, None), life.events, life.ratings
        at = submitted + timedelta(hours=rng.uniform(0.1, 4))
        if rng.random() < 0.06:  # first sent to the wrong department, which returns it
            wrong = rng.choice(city.bureaus)
            self._dispatch(life, at, wrong)
            at += timedelta(hours=rng.uniform(1, 20))
            life.add("return", "returned", at, wrong)
            at += timedelta(hours=rng.uniform(0.5, 6))
        self._dispatch(life, at, dept)
        dispatched = at
        at += timedelta(hours=rng.lognormvariate(math.log(3), 1.0))
        life.add("accept", "accepted", at, dept)
        handling = rng.lognormvariate(math.log(50 * city.speed.get(dept, 1)), 0.8)
        at = dispatched + timedelta(hours=max(handling, (at - dispatched).total_seconds() / 3600 + 0.5))
        if life.status == "accepted" and life.add("reply", "replied", at, dept, {"late": handling > 168}):
            self._follow_up(life, dept, at)
        return life.row(category, region, kind, dept), life.events, life.ratings

    def _dispatch(self, life: Life, at: datetime, dept: int) -> None:
        due = {
            "response_due": (at + timedelta(hours=24)).isoformat(),
            "resolution_due": (at + timedelta(days=7)).isoformat(),
        }
        life.add("dispatch", "dispatched", at, dept, due)

    def _follow_up(self, life: Life, dept: int, at: datetime) -> None:
        """A rating (satisfied closes, unsatisfied reopens for a second reply) or, without one, auto-close."""
        rng = self.rng
        if rng.random() >= 0.75:
            life.add("auto_close", "closed", at + timedelta(days=7), dept)
            return
        at += timedelta(hours=rng.uniform(4, 72))
        happy = rng.random() < self.city.quality.get(dept, 0.8)
        satisfaction = ("satisfied" if rng.random() < 0.75 else "basically_satisfied") if happy else "unsatisfied"
        solved = happy or rng.random() < 0.2
        data = {"solved": solved, "satisfaction": satisfaction}
        if not life.add("close" if happy else "reopen", "closed" if happy else "reopened", at, dept, data):
            return
        life.ratings.append((life.case_id, dept, solved, satisfaction, at))
        if not happy:
            at += timedelta(hours=rng.uniform(24, 120))
            if life.add("reply", "replied", at, dept, {"late": False}):
                life.add("auto_close", "closed", at + timedelta(days=7), dept)


def generate(gen: Generator, volumes: list[int], first: date, first_id: int) -> Iterator[tuple[list, list, list]]:
    """Chunks of (cases, events, ratings) in submission order."""
    cases: list = []
    events: list = []
    ratings: list = []
    case_id = first_id
    for i, count in enumerate(volumes):
        midnight = datetime.combine(first + timedelta(days=i), datetime.min.time(), tzinfo=ZONE)
        for _ in range(count):
            hour = min(23.99, max(0.0, gen.rng.gauss(13, 4.5)))
            row, evs, rts = gen.case(case_id, (midnight + timedelta(hours=hour)).astimezone(UTC))
            cases.append(row)
            events.extend(evs)
            ratings.extend(rts)
            case_id += 1
            if len(cases) >= CHUNK:
                yield cases, events, ratings
                cases, events, ratings = [], [], []
    if cases:
        yield cases, events, ratings


class Writer:
    """Bulk insert: COPY on PostgreSQL, executemany on SQLite (in the formats SQLAlchemy itself writes)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            self.conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"))
            self.conn.execute("PRAGMA synchronous=OFF")
        else:
            self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))

    def write(self, cases: list, events: list, ratings: list) -> None:
        self._put("case_item", CASE_COLUMNS, cases)
        self._put("case_event", EVENT_COLUMNS, [(*e[:7], json.dumps(e[7])) for e in events])
        self._put("case_rating", RATING_COLUMNS, ratings)
        self.conn.commit()

    def _put(self, table: str, columns: list[str], rows: list) -> None:
        if not rows:
            return
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            self.conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", [tuple(map(_lite, r)) for r in rows]
            )
            return
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def finish(self) -> None:
        if not self.sqlite:
            with self.conn.cursor() as cur:
                cur.execute("SELECT setval(pg_get_serial_sequence('case_item', 'id'), (SELECT max(id) FROM case_item))")
                cur.execute("ANALYZE")
            self.conn.commit()
        self.conn.close()


def _lite(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def fresh_database(backend: str, workdir: Path) -> str:
    if backend == "sqlite":
        path = workdir / "analytics-bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    admin = os.environ.get("GONGZHI_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    return _pg_url()


def timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def populate(db: Database, url: str, n: int, days: int, now: datetime, seed: int) -> tuple[Generator, int]:
    rng = random.Random(seed)
    with db.transaction() as s:
        seed_directory(s)
    city = load_city(db, rng)
    gen = Generator(city, rng, now)
    today = now.astimezone(ZONE).date()
    first = today - timedelta(days=days)
    volumes = daily_volumes(n, first, days, rng)
    writer = Writer(url)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"inserting {n:,} cases", total=n)
        for cases, events, ratings in generate(gen, volumes, first, 1):
            writer.write(cases, events, ratings)
            progress.advance(task, len(cases))
    writer.finish()
    return gen, n


def one_more_day(db: Database, url: str, gen: Generator, next_id: int, per_day: int) -> datetime:
    """A day of new cases after the history, plus follow-ups of older cases: replies, ratings, closings."""
    start = gen.now
    gen.now = start + timedelta(days=1)
    day = start.astimezone(ZONE).date()
    writer = Writer(url)
    for cases, events, ratings in generate(gen, [per_day], day, next_id):
        writer.write(cases, events, ratings)
    with db.reading() as s:
        older = list(
            s.execute(
                select(text("id"), text("department_id"))
                .select_from(text("case_item"))
                .where(text("status = 'replied' AND department_id IS NOT NULL"))
                .order_by(text("id DESC"))
                .limit(per_day // 2)
            )
        )
    later = []
    ratings = []
    for case_id, dept in older:
        at = start + timedelta(hours=gen.rng.uniform(1, 23))
        later.append(
            (case_id, "close", "replied", "closed", "citizen", dept, at, {"solved": True, "satisfaction": "satisfied"})
        )
        ratings.append((case_id, dept, True, "satisfied", at))
    writer.write([], later, ratings)
    writer.finish()
    return gen.now


def page_times(db: Database, settings: Settings, now: datetime, repeat: int) -> list[tuple[str, float, float]]:
    """Median wall time and this process's CPU time of each page (the CPU time excludes PostgreSQL's own)."""
    with db.transaction() as s:
        name = f"bench-supervisor-{int(time.time())}"
        user = create_user(s, username=name, password="bench-password-1", role=Role.SUPERVISOR, now=now)
        token = start_session(s, user=user, now=now, days=1)
        busiest = s.execute(
            text(
                "SELECT d.code FROM case_item c JOIN department d ON d.id = c.department_id "
                "GROUP BY d.code ORDER BY count(*) DESC LIMIT 1"
            )
        ).scalar_one()
    app = create_app(settings, db=db, clock=lambda: now)
    today = now.astimezone(ZONE).date()
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    year_ago = today - timedelta(days=365)
    two_years = today - timedelta(days=729)
    asks = [
        ("/staff/analytics (this month)", "/staff/analytics", {}),
        ("/staff/analytics?month=last month", "/staff/analytics", {"month": last_month}),
        ("/staff/analytics 365 days", "/staff/analytics", {"from": year_ago.isoformat(), "to": today.isoformat()}),
        ("/staff/analytics 730 days", "/staff/analytics", {"from": two_years.isoformat(), "to": today.isoformat()}),
        ("/staff/analytics 365 days, one street", "/staff/analytics",
         {"from": year_ago.isoformat(), "to": today.isoformat(), "region": "dongmen"}),
        ("/open-data (12 months)", "/open-data", {}),
        ("/api/v1/analytics/breakdown?by=region, 365 days", "/api/v1/analytics/breakdown",
         {"by": "region", "from": year_ago.isoformat(), "to": today.isoformat()}),
        ("/staff/analytics/cases (drill-down, a month)", "/staff/analytics/cases",
         {"month": last_month, "metric": "replied_late", "department": busiest}),
    ]  # fmt: skip
    out = []
    with TestClient(app) as client:
        client.cookies.set(SESSION_COOKIE, token)
        for label, path, params in asks:
            headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
            first = client.get(path, params=params, headers=headers)
            if first.status_code != 200:
                raise SystemExit(f"{label}: HTTP {first.status_code}: {first.text[:300]}")
            runs, cpu = [], []
            for _ in range(repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                client.get(path, params=params, headers=headers)
                runs.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            out.append((label, statistics.median(runs), statistics.median(cpu)))
    return out


def run(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    if args.reuse:
        return remeasure(backend, args, workdir)
    url = fresh_database(backend, workdir)
    upgrade(url)
    db = Database(url)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    console.print(f"[bold]{backend}[/]: {url}")
    t_insert, (gen, n) = timed(lambda: populate(db, url, args.n, args.days, now, args.seed))
    console.print(f"  inserted {n:,} cases in {t_insert:.1f} s")
    with db.transaction() as s:
        t_full, full = timed(lambda: analytics.rebuild(s, zone=ZONE, now=now))
    console.print(f"  full rebuild: {full.days} days, {full.rows:,} day-fact rows in {t_full:.1f} s")
    return measure(db, url, gen, args, {"n": n, "insert_s": t_insert, "full_s": t_full, "fact_rows": full.rows})


def remeasure(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """``--reuse``: measure again on the database a previous run left (its history and facts kept)."""
    url = f"sqlite:///{workdir / 'analytics-bench.db'}" if backend == "sqlite" else _pg_url()
    db = Database(url)
    with db.reading() as s:
        n, last = s.execute(text("SELECT count(*), max(id) FROM case_item")).one()
        newest = s.execute(text("SELECT max(at) FROM case_event")).scalar_one()
        rows = s.execute(text("SELECT count(*) FROM analytics_day_fact")).scalar_one()
    newest = datetime.fromisoformat(str(newest)) if not isinstance(newest, datetime) else newest
    now = newest.replace(tzinfo=UTC) if newest.tzinfo is None else newest
    now = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    with db.transaction() as s:  # first bring the facts up to date with what the last run added
        analytics.refresh(s, zone=ZONE, now=now)
    rng = random.Random(args.seed + 1)
    gen = Generator(load_city(db, rng), rng, now)
    console.print(f"[bold]{backend}[/] (reused): {url}, {n:,} cases")
    return measure(db, url, gen, args, {"n": n, "insert_s": 0.0, "full_s": 0.0, "fact_rows": rows}, next_id=last + 1)


def _pg_url() -> str:
    admin = os.environ.get("GONGZHI_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    return admin.rsplit("/", 1)[0] + f"/{PG_DB}"


def measure(
    db: Database, url: str, gen: Generator, args: argparse.Namespace, figures: dict[str, Any], next_id: int = 0
) -> dict[str, Any]:
    """The dashboard pages, then one more day of cases and the incremental refresh that follows."""
    settings = Settings(database_url=db.url, secret_key="benchmark-secret-not-for-production", demo=False)
    now = gen.now
    n = figures["n"]
    pages = page_times(db, settings, now, args.repeat)
    per_day = max(1, round(args.n / args.days * 1.25))
    later = one_more_day(db, url, gen, next_id or n + 1, per_day)
    with db.transaction() as s:
        c0 = time.process_time()
        t_incr, incr = timed(lambda: analytics.refresh(s, zone=ZONE, now=later))
        c_incr = time.process_time() - c0
    db.dispose()
    return {
        "backend": "sqlite" if db.is_sqlite else "postgresql",
        **figures,
        "pages": pages,
        "incremental_s": t_incr,
        "incremental_cpu_s": c_incr,
        "incremental": incr,
        "per_day": per_day,
    }


def report(results: list[dict[str, Any]]) -> None:
    table = Table(title="analytics benchmark")
    table.add_column("measure")
    for r in results:
        table.add_column(f"{r['backend']} ({r['n']:,} cases)", justify="right")

    def line(label: str, values: list[str]) -> None:
        table.add_row(label, *values)

    line("bulk insert (s)", [f"{r['insert_s']:.1f}" for r in results])
    line("full rebuild of facts (s)", [f"{r['full_s']:.1f}" for r in results])
    line("day-fact rows", [f"{r['fact_rows']:,}" for r in results])
    for i, (label, _, _) in enumerate(results[0]["pages"]):
        line(f"{label} (s, median wall / cpu)", [f"{r['pages'][i][1]:.3f} / {r['pages'][i][2]:.3f}" for r in results])
    line("heaviest page (s, wall) — goal ≤ 1", [f"{max(p[1] for p in r['pages']):.3f}" for r in results])
    line(
        "incremental refresh (s) — goal ≤ 5",
        [
            f"{r['incremental_s']:.2f} (cpu {r['incremental_cpu_s']:.2f}; {r['per_day']:,} new cases, "
            f"{r['incremental'].cases:,} cases touched, "
            f"{r['incremental'].days} days)"
            for r in results
        ],
    )
    console.print(table)
    console.print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="cases to generate (default 1,000,000)")
    parser.add_argument("--days", type=int, default=730, help="days of history (default 730)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "all"), default="all")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page (the median is shown)")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--reuse", action="store_true", help="measure again on the databases of a previous run")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()), help="where the SQLite file goes")
    args = parser.parse_args()
    if args.n < 1 or args.days < 60:
        parser.error("--n must be positive and --days at least 60")
    backends = ["sqlite", "postgresql"] if args.backend == "all" else [args.backend]
    results = []
    for backend in backends:
        try:
            results.append(run(backend, args, args.workdir))
        except psycopg.OperationalError as exc:
            console.print(f"[yellow]{backend} skipped: {exc}")
            continue
        report(results[-1:])  # each backend's figures as soon as they exist
    if len(results) > 1:
        report(results)


if __name__ == "__main__":
    main()
