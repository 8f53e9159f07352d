"""``gongzhi model …``: train a message classifier from a spreadsheet, evaluate it on another.

Exit codes: 0 when all is well, 2 for a usage or data error (the message says what to fix).
Register with ``app.add_typer(model_app, name="model")`` in ``gongzhi.cli``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import Progress

from gongzhi.errors import GongzhiError, InvalidInput

if TYPE_CHECKING:
    from gongzhi.text.data import LabelledMessages

app = typer.Typer(help="Text classifiers: train, evaluate.", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True)

DataOption = Annotated[Path, typer.Option("--data", help="labelled messages, .csv or .xlsx")]
TextCols = Annotated[
    str, typer.Option("--text-cols", help="title and details columns, comma-separated (or one column)")
]
LabelCol = Annotated[str, typer.Option("--label-col", help="the column holding the category")]
FallbackCol = Annotated[
    str, typer.Option("--fallback-col", help="column used where the details are empty ('' for none)")
]


@app.command()
def train(
    data: DataOption,
    out: Annotated[Path, typer.Option("--out", help="model directory to write")],
    text_cols: TextCols = "留言主题,留言详情",
    label_col: LabelCol = "一级标签",
    fallback_col: FallbackCol = "分词文本",
    folds: Annotated[int, typer.Option("--folds", help="cross-validation folds for the evaluation; 0 skips it")] = 5,
) -> None:
    """Train on all rows of --data, evaluate by cross-validation, save to --out; print the evaluation."""
    from gongzhi.text.classify import train as fit
    from gongzhi.text.evaluate import cross_validate
    from gongzhi.text.store import save_model

    try:
        messages = _load(data, text_cols, label_col, fallback_col)
        evaluation: dict[str, object] = {}
        if folds:
            with Progress(console=err, transient=True) as progress:
                task = progress.add_task("cross-validating", total=folds)
                evaluation = cross_validate(
                    messages.titles,
                    messages.details,
                    messages.labels,
                    folds=folds,
                    progress=lambda k, _fold: progress.advance(task),
                )
        err.print(f"training on {len(messages.labels)} messages …")
        model = fit(messages.titles, messages.details, messages.labels)
        save_model(model, out, created_at=datetime.now(UTC), evaluation=evaluation)
    except GongzhiError as exc:
        _fail(exc.message)
    typer.echo(json.dumps({"model": str(out), **evaluation}, ensure_ascii=False))


@app.command()
def evaluate(
    model: Annotated[Path, typer.Option("--model", help="model directory written by `gongzhi model train`")],
    data: DataOption,
    text_cols: TextCols = "留言主题,留言详情",
    label_col: LabelCol = "一级标签",
    fallback_col: FallbackCol = "分词文本",
) -> None:
    """Print one JSON line: macro_f1, accuracy, per-class F1 and calibration error on --data."""
    from gongzhi.text.evaluate import evaluate as measure
    from gongzhi.text.store import load_model

    try:
        classifier = load_model(model)
        messages = _load(data, text_cols, label_col, fallback_col)
        result = measure(classifier, messages.titles, messages.details, messages.labels)
    except GongzhiError as exc:
        _fail(exc.message)
    typer.echo(json.dumps(result, ensure_ascii=False))


def _load(data: Path, text_cols: str, label_col: str, fallback_col: str) -> LabelledMessages:
    from gongzhi.text.data import load_labelled

    cols = [c.strip() for c in text_cols.split(",") if c.strip()]
    if len(cols) not in (1, 2):
        raise InvalidInput(f"--text-cols takes one or two column names, got {text_cols!r}", field="text-cols")
    title_col, detail_col = (None, cols[0]) if len(cols) == 1 else (cols[0], cols[1])
    return load_labelled(
        data, title_col=title_col, detail_col=detail_col, label_col=label_col, fallback_col=fallback_col or None
    )


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)
