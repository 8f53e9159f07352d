"""The monthly report: HTML and PDF with the department figures of a small world; bad months refused cleanly."""

from __future__ import annotations

import re
import zlib
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongzhi.analytics.alert_models import Alert
from gongzhi.analytics.report import svg
from gongzhi.analytics.report.cli import make_monthly
from gongzhi.cli import app
from gongzhi.config import Settings
from gongzhi.errors import InvalidInput
from tests.analytics.story import History

runner = CliRunner()


def test_the_report_is_written_as_html_and_pdf(history: History, settings: Settings, tmp_path: Path) -> None:
    desk = history.desk
    with desk.db.transaction() as session:  # a stored surge alert, as the daily evaluation leaves it
        session.add(
            Alert(
                category="A01",
                region="cn-hp",
                day=date(2026, 3, 2),
                method="C2",
                observed=9,
                upper_bound=4.5,
                expected=1.2,
                created_at=desk.clock.now,
            )
        )
    written = make_monthly(desk.db, settings, month="2026-03", out=tmp_path / "out", now=desk.clock.now)
    html = written.html.read_text(encoding="utf-8")
    assert written.html.name == "gongzhi-monthly-2026-03.html"
    assert "临江市 诉求办理月报" in html and "本月尚未结束" in html
    # 三率 per department, as in tests/analytics/story.py: water answered both dispatches on time and both
    # ratings were solved and (basically) satisfied; urban returned its only dispatch.
    water = re.search(r"<tr><td>水务局</td>(.*?)</tr>", html, re.S)
    assert water, "no row for 水务局"
    assert re.findall(r'<td class="n">([^<]*)</td>', water.group(1))[:4] == ["2", "100.0%", "100.0%", "100.0%"]
    urban = re.search(r"<tr><td>城市管理局</td>(.*?)</tr>", html, re.S)
    assert urban and "100.0%" in urban.group(1)  # its return rate
    assert html.count("<svg") == 3 and "各部门三率" in html
    alert = re.search(r"<tr><td>2026-03-02</td>(.*?)</tr>", html, re.S)
    assert alert and "湖畔街道" in alert.group(1) and "供水" in alert.group(1) and "4.5" in alert.group(1)
    pdf = written.pdf.read_bytes()
    assert pdf.startswith(b"%PDF") and written.pages >= 1
    assert len(re.findall(rb"/Type\s*/Page\b", _inflated(pdf))) == written.pages


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams hold the page objects) inflated."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue  # not deflated (or not a stream we need)
    return b"".join(parts)


def test_a_month_without_cases_or_in_the_future_is_refused(
    history: History, settings: Settings, tmp_path: Path
) -> None:
    desk, out = history.desk, tmp_path / "out"
    with pytest.raises(InvalidInput, match="no case was received"):
        make_monthly(desk.db, settings, month="2026-01", out=out, now=desk.clock.now)
    with pytest.raises(InvalidInput, match="has not begun"):
        make_monthly(desk.db, settings, month="2026-04", out=out, now=desk.clock.now)
    assert not out.exists()


@pytest.mark.parametrize(
    ("month", "message"),
    [("2026-13", "written like 2026-10"), ("october", "written like 2026-10"), ("2099-01", "has not begun")],
)
def test_the_command_refuses_bad_months_without_a_traceback(tmp_path: Path, month: str, message: str) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    result = runner.invoke(app, ["report", "monthly", "--month", month, "--out", str(tmp_path), "--db", url])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_the_command_says_an_empty_month_has_nothing_to_report(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    result = runner.invoke(app, ["report", "monthly", "--month", "2025-10", "--out", str(tmp_path), "--db", url])
    assert result.exit_code == 2 and "nothing to report" in result.output


def test_charts_escape_labels_and_draw_an_empty_frame_with_a_note() -> None:
    drawn = svg.bar_chart("t", ["<b>&"], [3], line=[0.5], bar_name="量", line_name="率")
    assert "<b>&" not in drawn and "&lt;b&gt;&amp;" in drawn and "<polyline" in drawn
    empty = svg.grouped_bars("三率", ["水务局"], {"响应率": [None]}, empty_note="没有数据")
    assert "没有数据" in empty and "<rect" in empty
    assert svg.nice_ceiling(37) == 50 and svg.nice_ceiling(0) == 1
