"""Precomputed hot issues: the worker job's time on a database, and the page's server time reading its result.

Run on a seeded database (``gongzhi demo --db sqlite:///demo.db --no-serve`` seeds the demo's cases):

    python benchmarks/hot_issues_store.py --db sqlite:///demo.db [--repeat 20] [--user supervisor]
    python benchmarks/hot_issues_store.py --db sqlite:///demo.db --synthetic 20000   # a big city's month

Prints, for each window of ``GONGZHI_HOT_ISSUE_WINDOWS`` (default 7,30): messages, seconds of the whole
job (read the cases, cluster, store) and of the clustering alone; then the median and worst server time
of ``GET /staff/hot-issues`` and ``GET /api/v1/analytics/hot-issues`` reading the stored result (in-process
ASGI client: the time of the application, not of a network). The job writes the stored results as the
worker would; it changes nothing else. ``--synthetic N`` instead stores, as the 30-day window, the
issues of N messages from the demo generator (``gongzhi.demo.messages``; the database's cases are not
read), to time reading a big city's stored month.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the worker has
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from fastapi.testclient import TestClient  # noqa: E402

from gongzhi.analytics import hotissues_store  # noqa: E402
from gongzhi.analytics.hotissues_models import HotIssueResult  # noqa: E402
from gongzhi.config import Settings  # noqa: E402
from gongzhi.db import Database, utcnow  # noqa: E402
from gongzhi.demo.seed_directory import demo_logins  # noqa: E402
from gongzhi.web.app import create_app  # noqa: E402


def job(db: Database, settings: Settings) -> None:
    now = utcnow()
    for days in settings.hot_issue_days:
        one = settings.model_copy(update={"hot_issue_windows": str(days)})
        started = time.perf_counter()
        hotissues_store.refresh_due(db, one, now=now, force=True)
        total = time.perf_counter() - started
        with db.reading() as session:
            row = session.get(HotIssueResult, days)
            assert row is not None
            print(
                f"worker job, {days:>3}-day window: {row.messages} messages, {len(row.issues)} issues, "
                f"{total:.2f} s in all (clustering {row.seconds:.2f} s)"
            )


def synthetic(db: Database, n: int) -> None:
    """Store the 30-day issues of ``n`` generated messages (clustering timed), as the worker would store them."""
    from datetime import timedelta

    from gongzhi.analytics.hotissues import Message, Window
    from gongzhi.demo.messages import generate_messages

    now = utcnow()
    demo = generate_messages(11, n, start=now - timedelta(days=30), end=now)
    messages = [
        Message(f"S{i:06d}", m.title, m.content, m.submitted_at, author=m.contact_phone, region=m.street)
        for i, m in enumerate(demo)
    ]
    started = time.perf_counter()
    result = hotissues_store.compute(messages, window=Window(now, 30), fingerprint="synthetic", words=[])
    total = time.perf_counter() - started
    with db.transaction() as session:
        hotissues_store.store(session, result)
    members = sum(len(i["members"]) for i in result.issues)
    print(
        f"worker job, synthetic 30-day window: {n} messages, {len(result.issues)} issues ({members} members), "
        f"clustering {total:.2f} s"
    )


def page_times(db: Database, settings: Settings, *, repeat: int, user: str) -> None:
    password = demo_logins().get("staff password", "")
    with TestClient(create_app(settings, db=db), raise_server_exceptions=True) as client:
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        client.post(
            "/login",
            data={"csrf_token": token.group(1) if token else "", "username": user, "password": password},
            follow_redirects=False,
        )
        api = client.post("/api/v1/auth/login", json={"username": user, "password": password}).json()
        headers = {"Authorization": f"Bearer {api.get('token', '')}"}
        for days in settings.hot_issue_days:
            for label, path, extra in (
                ("page", "/staff/hot-issues", {}),
                ("API ", "/api/v1/analytics/hot-issues", headers),
            ):
                timings = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    answer = client.get(path, params={"days": days}, headers=extra)
                    timings.append(time.perf_counter() - started)
                    if answer.status_code != 200 or ("计算于" not in answer.text and '"stored"' not in answer.text):
                        raise SystemExit(f"{path}: {answer.status_code}, not the stored result: {answer.text[:300]}")
                print(
                    f"{label} {path}?days={days}: median {1000 * statistics.median(timings):.1f} ms, "
                    f"worst {1000 * max(timings):.1f} ms over {repeat} requests (stored result)"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="database URL of a seeded database")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page")
    parser.add_argument("--user", default="supervisor", help="staff login (the demo's password)")
    parser.add_argument("--synthetic", type=int, default=0, help="store the issues of N generated messages instead")
    args = parser.parse_args()
    settings = Settings(database_url=args.db, demo=True)
    db = Database(settings.database_url)
    try:
        if args.synthetic:
            synthetic(db, args.synthetic)
            settings = settings.model_copy(update={"hot_issue_windows": "30"})
        else:
            job(db, settings)
        page_times(db, settings, repeat=args.repeat, user=args.user)
    finally:
        db.dispose()


if __name__ == "__main__":
    main()
