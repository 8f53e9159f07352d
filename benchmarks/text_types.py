"""Benchmark of the intake-side text models: message type, sentiment, urgency, and their cost per message.

Prints one JSON line per figure:

- ``type``: stratified k-fold macro-F1 / accuracy of the message-type model (咨询 → consultation,
  建言 → suggestion, 投诉/求助 → complaint_or_help) on MSGABench;
- ``sentiment``: the same for angry / neutral (愤怒 → angry, 中性 → neutral, and the 28 悲伤 / 恐惧
  rows grouped with angry, as ``gongzhi.text.types`` maps them);
- ``urgency_rules``: how many Teddy messages each urgency rule flags (a rate, not an accuracy: the
  data has no urgency labels);
- ``urgency_model``: k-fold macro-F1 of the urgency model *against the rule labels* it is trained
  on. It measures how well the model imitates the rules, not whether it is right about urgency;
- ``per_message``: milliseconds of the rules and of one prediction of each model (category on the
  Teddy labels, type, sentiment) on one message, which is what intake adds to a submission.
  ``--timing-only`` skips the cross-validations.

    python benchmarks/text_types.py --msgabench ../shared/data/msgabench/citizen_messages_sentiment_type_dev.csv \\
        --teddy ../shared/data/teddy2020c/messages_labelled_dev.csv [--folds 5]

The data is not in the repository (no licence); see ../shared/data/README.md.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import sklearn  # noqa: E402

from gongzhi.text import types, urgency  # noqa: E402
from gongzhi.text.classify import train  # noqa: E402
from gongzhi.text.data import LabelledMessages, load_labelled  # noqa: E402
from gongzhi.text.evaluate import cross_validate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MSGA = ROOT.parent / "shared/data/msgabench/citizen_messages_sentiment_type_dev.csv"
TEDDY = ROOT.parent / "shared/data/teddy2020c/messages_labelled_dev.csv"


def _cv(name: str, messages: LabelledMessages, folds: int) -> dict[str, object]:
    start = time.perf_counter()
    result = cross_validate(messages.titles, messages.details, messages.labels, folds=folds)
    figures = {
        "figure": name,
        "macro_f1": round(result["macro_f1"], 4),
        "macro_f1_std": round(result["macro_f1_std"], 4),
        "accuracy": round(result["accuracy"], 4),
        "per_class_f1": result["per_class_f1"],
        "ece": result["ece"],
        "messages": result["messages"],
        "classes": dict(Counter(messages.labels)),
        "seconds": round(time.perf_counter() - start, 1),
    }
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--msgabench", type=Path, default=MSGA)
    parser.add_argument("--teddy", type=Path, default=TEDDY)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--timing-only", action="store_true", help="skip the cross-validations")
    args = parser.parse_args()

    kinds = types.load_types(args.msgabench)
    feelings = types.load_sentiments(args.msgabench)
    if not args.timing_only:
        _cv("type", kinds, args.folds)
        _cv("sentiment", feelings, args.folds)

    teddy = load_labelled(args.teddy)
    rules = urgency.load_rules()
    texts = [f"{t} {d}" for t, d in zip(teddy.titles, teddy.details, strict=True)]
    start = time.perf_counter()
    findings = [urgency.detect(text, rules) for text in texts]
    rule_ms = (time.perf_counter() - start) * 1000 / len(texts)
    by_rule = Counter(f.rule if f else "none" for f in findings)
    print(json.dumps({"figure": "urgency_rules", "messages": len(texts), "flagged_by_rule": dict(by_rule)}))
    labels = [f.urgency.value if f else urgency.NORMAL_LABEL for f in findings]
    if not args.timing_only:
        _cv("urgency_model", LabelledMessages(teddy.titles, teddy.details, labels), args.folds)

    # What intake adds: one message at a time, with scikit-learn's input checks off as cases.classify does.
    models = {
        "category_ms": train(teddy.titles, teddy.details, teddy.labels),
        "type_ms": train(kinds.titles, kinds.details, kinds.labels),
        "sentiment_ms": train(feelings.titles, feelings.details, feelings.labels),
    }
    sample = list(zip(teddy.titles, teddy.details, strict=True))[:500]
    timings = {"urgency_rules_ms": round(rule_ms, 3)}
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        for name, model in models.items():
            start = time.perf_counter()
            for title, detail in sample:
                if name == "category_ms":
                    model.top_k(title, detail, k=3)
                else:
                    model.top_k("", types.one_text(title, detail), k=1)
            timings[name] = round((time.perf_counter() - start) * 1000 / len(sample), 3)
    print(json.dumps({"figure": "per_message", **timings}))


if __name__ == "__main__":
    main()
