"""The monthly report as HTML (one self-contained file: styles and SVG charts inline) and as PDF (WeasyPrint).

The HTML is what WeasyPrint prints, so both say the same. WeasyPrint needs Pango at run time
(Debian: ``libpango-1.0-0 libpangoft2-1.0-0``) and a CJK font (``fonts-noto-cjk``) for the Chinese text;
when it cannot be loaded the PDF step says so and the HTML is still written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from gongzhi.analytics.performance import MIN_RATED
from gongzhi.analytics.report import svg
from gongzhi.analytics.report.monthly import MIN_RECEIVED, MonthlyReport
from gongzhi.errors import InvalidInput

TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
NO_DATA = "没有数据 no data"


@dataclass(frozen=True)
class Written:
    html: Path
    pdf: Path
    pages: int


def pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def change(now: int, before: int) -> str:
    return f"{(now - before) / before * 100:+.0f}%" if before else "—"


def charts(report: MonthlyReport) -> dict[str, str]:
    """The report's four charts as SVG text."""
    days = [f"{d.day}" for d, _ in report.daily]
    departments = report.departments[:12]
    return {
        "daily": svg.line_chart(
            f"{report.month} 每日受理量 Cases received per day", days, [n for _, n in report.daily], empty_note=NO_DATA
        ),
        "trend": svg.bar_chart(
            "近十二个月受理量与满意率 Cases and satisfaction, last twelve months",
            [m.strftime("%y-%m") for m, _ in report.trend],
            [f.counts["received"] for _, f in report.trend],
            line=[f.satisfaction_rate for _, f in report.trend],
            bar_name="受理量",
            line_name="满意率",
            empty_note=NO_DATA,
        ),
        "departments": svg.grouped_bars(
            "各部门三率 Rates per department",
            [r.member.name for r in departments],
            {
                "响应率": [r.figures.response_rate for r in departments],
                "解决率": [r.figures.resolution_rate for r in departments],
                "满意率": [r.figures.satisfaction_rate for r in departments],
            },
            empty_note=NO_DATA,
            frame=svg.Frame(height=300, **svg.TURNED),
        ),
    }


def to_html(report: MonthlyReport, *, zone: ZoneInfo, jurisdiction: str = "") -> str:
    def when(value: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return value.astimezone(zone).strftime(fmt)

    return _env.get_template("monthly.html").render(
        r=report,
        charts=charts(report),
        ranks={row.member.id: row.rank for row in report.ranking},
        jurisdiction=jurisdiction,
        font=svg.FONT,
        pct=pct,
        change=change,
        when=when,
        min_rated=MIN_RATED,
        min_received=MIN_RECEIVED,
    )


def to_pdf(html: str, target: Path) -> int:
    """Print ``html`` to ``target``; returns the number of pages."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Pango libraries are missing
        raise InvalidInput(
            f"cannot make the PDF: WeasyPrint is not usable here ({exc}); install it (pip install weasyprint) and "
            "its system libraries (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk)",
            field="pdf",
        ) from exc
    document = HTML(string=html, base_url=str(TEMPLATES)).render()
    document.write_pdf(target)
    return len(document.pages)


def write(report: MonthlyReport, out: Path, *, zone: ZoneInfo, jurisdiction: str = "") -> Written:
    """Write ``gongzhi-monthly-YYYY-MM.html`` and ``.pdf`` into ``out`` (created if needed)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"cannot create the output directory {out}: {exc.strerror}", field="out") from exc
    stem = out / f"gongzhi-monthly-{report.month}"
    html = to_html(report, zone=zone, jurisdiction=jurisdiction)
    html_path, pdf_path = stem.with_suffix(".html"), stem.with_suffix(".pdf")
    html_path.write_text(html, encoding="utf-8")
    pages = to_pdf(html, pdf_path)
    return Written(html=html_path, pdf=pdf_path, pages=pages)
