"""``gongzhi model …``: train text models (from a spreadsheet or the platform's own closed cases),
evaluate one, list the versions, activate one.

Exit codes: 0 when all is well, 2 for a usage or data error (the message says what to fix).
Registered with ``app.add_typer(model_app, name="model")`` in ``gongzhi.cli``.

``train`` without ``--out`` writes a new version under ``GONGZHI_MODEL_DIR`` and registers it in the
database (``--activate`` also makes it the one intake uses); with ``--out`` alone it only writes the
directory, as before.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from gongzhi.errors import GongzhiError, InvalidInput
from gongzhi.text.models import Purpose

if TYPE_CHECKING:
    from gongzhi.config import Settings
    from gongzhi.db import Database
    from gongzhi.text.data import LabelledMessages

_T = TypeVar("_T")
app = typer.Typer(help="Text models: train, evaluate, list, activate.", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True)
out_console = Console(soft_wrap=True)

DataOption = Annotated[Path, typer.Option("--data", help="labelled messages, .csv or .xlsx")]
TextCols = Annotated[
    str | None,
    typer.Option(
        "--text-cols",
        help="title and details columns, comma-separated, or one column "
        "(default: 留言主题,留言详情 for category and urgency, 留言 for type and sentiment)",
    ),
]
LabelCol = Annotated[
    str | None,
    typer.Option("--label-col", help="the label column (default: 一级标签, 问题类型 or 情感类别 by purpose)"),
]
FallbackCol = Annotated[
    str, typer.Option("--fallback-col", help="column used where the details are empty ('' for none)")
]
DbOption = Annotated[
    str | None, typer.Option("--db", help="database URL (default: GONGZHI_DATABASE_URL or ./gongzhi.db)")
]
_DEFAULT_COLS = {
    Purpose.CATEGORY: ("留言主题,留言详情", "一级标签"),
    Purpose.URGENCY: ("留言主题,留言详情", ""),
    Purpose.TYPE: ("留言", "问题类型"),
    Purpose.SENTIMENT: ("留言", "情感类别"),
}


@app.command()
def train(
    data: Annotated[Path | None, typer.Option("--data", help="labelled messages, .csv or .xlsx")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="model directory to write (default: a new one in GONGZHI_MODEL_DIR)")
    ] = None,
    purpose: Annotated[str, typer.Option("--purpose", help="category, type, sentiment or urgency")] = "category",
    from_db: Annotated[
        bool, typer.Option("--from-db", help="train on the database's closed cases (category, urgency)")
    ] = False,
    activate: Annotated[bool, typer.Option("--activate", help="register and make it the active model")] = False,
    db: DbOption = None,
    text_cols: TextCols = None,
    label_col: LabelCol = None,
    fallback_col: FallbackCol = "分词文本",
    folds: Annotated[int, typer.Option("--folds", help="cross-validation folds for the evaluation; 0 skips it")] = 5,
) -> None:
    """Train on all rows, evaluate by cross-validation, save; register (and activate) a version."""
    from gongzhi.text.registry import new_model_dir, parse_purpose, register
    from gongzhi.text.training import fit_and_save

    now = datetime.now(UTC)
    try:
        kind = parse_purpose(purpose)
        if (data is None) == (not from_db):
            raise InvalidInput("give either --data FILE or --from-db", field="data")
        if from_db and kind not in (Purpose.CATEGORY, Purpose.URGENCY):
            raise InvalidInput(f"--from-db trains category and urgency models; train {kind.value} with --data FILE")
        registering = out is None or from_db or activate
        settings = _settings(db) if registering or from_db else None
        database = _database(settings) if settings is not None else None
        messages, source, extra = _training_data(kind, data, from_db, database, text_cols, label_col, fallback_col)
        target = out or new_model_dir(_need(settings), kind, now)
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task(f"cross-validating {kind.value} model", total=folds or 1)
            err.print(f"training a {kind.value} model on {len(messages.labels)} messages …")
            fitted = fit_and_save(
                messages,
                out=target,
                created_at=now,
                folds=folds,
                user_words=extra.pop("user_words", ()),
                progress=lambda _k, _fold: progress.advance(task),
            )
        result: dict[str, Any] = {"model": str(target), "purpose": kind.value, **extra, **fitted.evaluation}
        if database is not None:
            with database.transaction() as session:
                row = register(
                    session,
                    purpose=kind,
                    path=target,
                    created_at=now,
                    metrics=fitted.evaluation,
                    source=source,
                    activate_it=activate,
                )
                result.update(version=row.id, active=row.active)
            database.dispose()
    except GongzhiError as exc:
        _fail(exc.message)
    typer.echo(json.dumps(result, ensure_ascii=False))


def _training_data(
    kind: Purpose,
    data: Path | None,
    from_db: bool,
    database: Database | None,
    text_cols: str | None,
    label_col: str | None,
    fallback_col: str,
) -> tuple[LabelledMessages, str, dict[str, Any]]:
    """The labelled messages for ``kind``, a line saying where they came from, and extra figures to print."""
    from gongzhi.text import types, urgency
    from gongzhi.text.data import LabelledMessages

    default_cols, default_label = _DEFAULT_COLS[kind]
    extra: dict[str, Any] = {}
    if from_db:
        messages, source, extra = _from_database(_need(database), kind)
    elif kind in (Purpose.TYPE, Purpose.SENTIMENT):
        mapping = types.TYPE_LABELS if kind is Purpose.TYPE else types.SENTIMENT_LABELS
        raw = _load(_need(data), text_cols or default_cols, label_col or default_label, "")
        messages, source = types.map_labels(raw, mapping), f"file:{data}"
    elif kind is Purpose.URGENCY:
        # Labels come from the rules; rows are kept when their details column (or --label-col) is filled.
        cols = text_cols or default_cols
        raw = _load(_need(data), cols, label_col or cols.split(",")[-1].strip(), fallback_col)
        rules = urgency.load_rules(_settings(None).urgency_rules)
        labels = urgency.rule_labels([f"{t} {d}" for t, d in zip(raw.titles, raw.details, strict=True)], rules)
        messages, source = LabelledMessages(raw.titles, raw.details, labels), f"file:{data} (labels from urgency rules)"
    else:
        messages, source = (
            _load(_need(data), text_cols or default_cols, label_col or default_label, fallback_col),
            (f"file:{data}"),
        )
    return messages, source, extra


def _from_database(database: Database, kind: Purpose) -> tuple[LabelledMessages, str, dict[str, Any]]:
    from gongzhi.text import urgency
    from gongzhi.text.data import LabelledMessages, closed_case_examples
    from gongzhi.text.training import directory_words

    with database.reading() as session:
        examples = closed_case_examples(session, minimum=5)
        words = directory_words(session)
    messages = examples.messages
    if kind is Purpose.URGENCY:
        rules = urgency.load_rules(_settings(None).urgency_rules)
        texts = [f"{t} {d}" for t, d in zip(messages.titles, messages.details, strict=True)]
        messages = LabelledMessages(messages.titles, messages.details, urgency.rule_labels(texts, rules))
    if len(set(messages.labels)) < 2:
        raise InvalidInput(
            f"the database has {len(messages.labels)} closed cases usable for training, in "
            f"{len(set(messages.labels))} categories; at least 2 categories with 5 closed cases each are needed"
        )
    source = f"database: {len(messages.labels)} closed cases, {examples.corrections} dispatcher corrections"
    extra = {
        "closed_cases": len(messages.labels),
        "corrections": examples.corrections,
        "dropped_labels": examples.dropped,
        "user_words": words,
    }
    return messages, source, extra


@app.command()
def evaluate(
    model: Annotated[Path, typer.Option("--model", help="model directory written by `gongzhi model train`")],
    data: DataOption,
    text_cols: TextCols = None,
    label_col: LabelCol = None,
    fallback_col: FallbackCol = "分词文本",
    png: Annotated[
        Path | None,
        typer.Option("--png", help="confusion-matrix picture to write (default: MODEL/confusion_<data name>.png)"),
    ] = None,
    no_png: Annotated[bool, typer.Option("--no-png", help="do not draw the confusion matrix")] = False,
) -> None:
    """Print one JSON line: macro_f1, accuracy, per-class F1, calibration error, confusion matrix (and its PNG)."""
    from gongzhi.text.evaluate import evaluate as measure
    from gongzhi.text.evaluate import write_confusion_png
    from gongzhi.text.store import load_model

    try:
        classifier = load_model(model)
        kind = _purpose_of(classifier.labels)
        default_cols, default_label = _DEFAULT_COLS[kind]
        messages = _load(data, text_cols or default_cols, label_col or default_label or "一级标签", fallback_col)
        messages = _our_labels(messages, kind)
        result = measure(classifier, messages.titles, messages.details, messages.labels)
    except GongzhiError as exc:
        _fail(exc.message)
    if not no_png:  # the figures matter more than the picture: a picture that cannot be written is a warning
        target = png or Path(model) / f"confusion_{Path(data).stem}.png"
        try:
            drawn = write_confusion_png(result["confusion"], result["labels"], target, title=Path(data).name)
        except OSError as exc:
            err.print(
                f"[yellow]warning:[/yellow] cannot write the confusion matrix to {target} ({exc}); give --png PATH"
            )
        else:
            result["confusion_png"] = drawn["png"]
            if drawn["legend"]:
                result["confusion_legend"] = drawn["legend"]
    typer.echo(json.dumps(result, ensure_ascii=False))


@app.command("list")
def list_versions(db: DbOption = None) -> None:
    """Every model version: purpose, when, macro-F1, source, active, and whether its files are usable."""
    from gongzhi.text.registry import list_models

    try:
        database = _database(_settings(db))
        with database.reading() as session:
            statuses = list_models(session)
            table = Table("version", "purpose", "created", "macro-F1", "source", "active", "files")
            for status in statuses:
                row = status.row
                f1 = row.metrics.get("macro_f1")
                table.add_row(
                    str(row.id),
                    row.purpose,
                    row.created_at.strftime("%Y-%m-%d %H:%M"),
                    f"{f1:.3f}" if isinstance(f1, int | float) else "—",
                    row.source,
                    "yes" if row.active else "",
                    "ok" if status.problem is None else f"[red]{status.problem}[/red]",
                )
        database.dispose()
    except GongzhiError as exc:
        _fail(exc.message)
    if not statuses:
        out_console.print("no model versions yet; train one with `gongzhi model train`")
        return
    out_console.print(table)


@app.command("activate")
def activate_version(
    version: Annotated[int, typer.Argument(help="the version number shown by `gongzhi model list`")],
    db: DbOption = None,
) -> None:
    """Make VERSION the model intake uses for its purpose (its files are checked first)."""
    from gongzhi.text.registry import activate

    try:
        database = _database(_settings(db))
        with database.transaction() as session:
            row = activate(session, version)
            purpose = row.purpose
        database.dispose()
    except GongzhiError as exc:
        _fail(exc.message)
    out_console.print(f"version {version} is now the active {purpose} model")


def _purpose_of(labels: list[str]) -> Purpose:
    """What a saved model predicts, from its labels (type and sentiment models use our mapped labels)."""
    from gongzhi.text import types

    if set(labels) <= set(types.TYPE_LABELS.values()):
        return Purpose.TYPE
    if set(labels) <= set(types.SENTIMENT_LABELS.values()):
        return Purpose.SENTIMENT
    return Purpose.CATEGORY


def _our_labels(messages: LabelledMessages, kind: Purpose) -> LabelledMessages:
    """A file's 问题类型 / 情感类别 labels as the type and sentiment models name them."""
    from gongzhi.text import types

    mapping = {Purpose.TYPE: types.TYPE_LABELS, Purpose.SENTIMENT: types.SENTIMENT_LABELS}.get(kind)
    return types.map_labels(messages, mapping) if mapping else messages


def _settings(db: str | None) -> Settings:
    from gongzhi.config import Settings

    try:
        return Settings(**({"database_url": db} if db else {}))  # type: ignore[arg-type]
    except ValueError as exc:
        _fail(f"configuration: {exc}")


def _database(settings: Settings | None) -> Database:
    from sqlalchemy.exc import SQLAlchemyError

    from gongzhi.db import Database
    from gongzhi.text.models import TextModel

    database = Database(_need(settings).database_url)
    try:
        with database.reading() as session:
            session.query(TextModel.id).limit(1).all()
    except SQLAlchemyError:
        database.dispose()
        raise InvalidInput(
            f"cannot use the model registry in {database.url}: create or migrate the database with "
            "`gongzhi db upgrade` (or give --db URL)"
        ) from None
    return database


def _need(value: _T | None) -> _T:
    if value is None:  # only reachable through a usage error caught above
        raise InvalidInput("give --data FILE, or --from-db with a database")
    return value


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
