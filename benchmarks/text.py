"""Text benchmark: classifier quality and speed on public message data (issue 5's goals).

Prints one JSON line per figure:

- ``teddy_cv``: stratified k-fold macro-F1 and accuracy (mean ± std), per-class F1, calibration error
  on the 7 first-level labels of the Teddy Cup 2020 data;
- ``train``: seconds to train on all labelled messages (including calibration);
- ``predict``: messages/s of ``predict_proba`` on one core, and ``segment``: jieba alone, messages/s;
- with ``--msgabench``: the same cross-validation for message type (咨询/建言/投诉·求助) and sentiment
  (愤怒/中性; the 28 悲伤/恐惧 rows are too few to learn and are left out).

    python benchmarks/text.py --data ../shared/data/teddy2020c/messages_labelled_dev.csv \\
        [--msgabench ../shared/data/msgabench/citizen_messages_sentiment_type_dev.csv] [--folds 5]

The data is not in the repository (no licence); see ../shared/data/README.md.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the goal is stated

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from gongzhi.text.classify import TrainConfig, train  # noqa: E402
from gongzhi.text.data import LabelledMessages, load_labelled  # noqa: E402
from gongzhi.text.evaluate import cross_validate  # noqa: E402
from gongzhi.text.normalise import normalise  # noqa: E402
from gongzhi.text.segment import Segmenter  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEDDY = ROOT.parent / "shared/data/teddy2020c/messages_labelled_dev.csv"
MSGA = ROOT.parent / "shared/data/msgabench/citizen_messages_sentiment_type_dev.csv"


def emit(name: str, **figures: Any) -> None:
    print(json.dumps({"benchmark": name, **figures}, ensure_ascii=False), flush=True)


def rounded(result: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}


def cv(name: str, data: LabelledMessages, config: TrainConfig, folds: int) -> None:
    start = time.perf_counter()
    result = cross_validate(data.titles, data.details, data.labels, config=config, folds=folds)
    emit(name, **rounded(result), seconds=round(time.perf_counter() - start, 1))


def speed(data: LabelledMessages, config: TrainConfig, n: int) -> None:
    start = time.perf_counter()
    model = train(data.titles, data.details, data.labels, config=config)
    emit("train", messages=len(data.labels), seconds=round(time.perf_counter() - start, 1))
    titles, details = data.titles[:n], data.details[:n]
    start = time.perf_counter()
    model.predict_proba(titles, details)
    emit("predict", messages=len(titles), messages_per_s=round(len(titles) / (time.perf_counter() - start)))
    texts = [normalise(f"{t} {d}")[: config.word_chars] for t, d in zip(titles, details, strict=True)]
    segmenter = Segmenter()
    segmenter.cut("预热")
    start = time.perf_counter()
    for text in texts:
        segmenter.cut(text)
    elapsed = time.perf_counter() - start
    emit(
        "segment", messages=len(texts), chars_per_message=config.word_chars, messages_per_s=round(len(texts) / elapsed)
    )


def msgabench(path: Path, config: TrainConfig, folds: int) -> None:
    kinds = load_labelled(path, title_col=None, detail_col="留言", label_col="问题类型", fallback_col=None)
    cv("msgabench_type_cv", kinds, config, folds)
    mood = load_labelled(path, title_col=None, detail_col="留言", label_col="情感类别", fallback_col=None)
    keep = [i for i, label in enumerate(mood.labels) if label in {"愤怒", "中性"}]
    mood = LabelledMessages(
        [mood.titles[i] for i in keep], [mood.details[i] for i in keep], [mood.labels[i] for i in keep]
    )
    cv("msgabench_sentiment_cv", mood, config, folds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=TEDDY, help="Teddy Cup messages_labelled_dev.csv")
    parser.add_argument("--msgabench", type=Path, default=None, help="MSGABench csv (type and sentiment)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--predict-n", type=int, default=2000, help="messages timed for prediction")
    parser.add_argument("--svm-c", type=float, default=TrainConfig.svm_c)
    parser.add_argument("--nb-weight", type=float, default=TrainConfig.nb_weight)
    parser.add_argument("--word-chars", type=int, default=TrainConfig.word_chars)
    parser.add_argument("--skip-cv", action="store_true", help="only the speed figures")
    args = parser.parse_args()
    config = TrainConfig(svm_c=args.svm_c, nb_weight=args.nb_weight, word_chars=args.word_chars)
    data = load_labelled(args.data)
    emit("config", data=str(args.data), messages=len(data.labels), **config.to_dict())
    speed(data, config, args.predict_n)
    if not args.skip_cv:
        cv("teddy_cv", data, config, args.folds)
    if args.msgabench is not None:
        msgabench(args.msgabench, config, args.folds)


if __name__ == "__main__":
    main()
