from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from gongzhi.errors import InvalidInput
from gongzhi.text.classify import TextClassifier, TrainConfig, train
from gongzhi.text.evaluate import cross_validate, evaluate
from gongzhi.text.store import ARTEFACT_FILE, METADATA_FILE, load_model, read_metadata, save_model
from tests.text.fixtures import DETAILS, HEALTH, LABELS, SCHOOL, TITLES, TRAFFIC

CREATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def model() -> TextClassifier:
    return train(TITLES, DETAILS, LABELS, user_words=["人民路"])


def test_probabilities_sum_to_one_in_label_order(model: TextClassifier) -> None:
    proba = model.predict_proba(["路灯", "学校"], ["路灯坏了", "学校食堂"])
    assert proba.shape == (2, 3)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert model.labels == sorted([TRAFFIC, SCHOOL, HEALTH])


def test_obvious_messages_get_the_right_label_with_confidence(model: TextClassifier) -> None:
    cases = [
        ("公交车太挤", "公交车班次少，公交站等车太久，请增加公交车", TRAFFIC),
        ("学校收费", "学校老师让学生交补课费，请教育局处理", SCHOOL),
        ("医院排队", "医院挂号排队太久，医生看病态度差", HEALTH),
    ]
    for title, detail, label in cases:
        top = model.top_k(title, detail, k=3)
        assert [s.label for s in top][0] == label
        assert top[0].confidence > 0.5
        assert top[0].confidence >= top[1].confidence >= top[2].confidence


def test_text_only_prediction_and_empty_batch(model: TextClassifier) -> None:
    assert model.predict(["学校食堂的午餐质量差"]) == [SCHOOL]
    assert model.predict_proba([]).shape == (0, 3)


def test_traditional_characters_are_understood(model: TextClassifier) -> None:
    assert model.predict(["醫院醫生看病收紅包"]) == [HEALTH]


def test_round_trip_through_a_model_directory(model: TextClassifier, tmp_path: Path) -> None:
    metadata = save_model(model, tmp_path / "m", created_at=CREATED, evaluation={"macro_f1": 0.5})
    loaded = load_model(tmp_path / "m")
    texts = ["出租车乱收费", "疫苗缺货"]
    assert np.allclose(loaded.predict_proba(texts), model.predict_proba(texts))
    assert read_metadata(tmp_path / "m")["evaluation"] == {"macro_f1": 0.5}
    assert metadata["labels"] == model.labels
    assert metadata["created_at"] == "2026-01-02T03:04:05+00:00"


def test_missing_model_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist; train a model"):
        load_model(tmp_path / "nope")
    with pytest.raises(InvalidInput, match="is not a model directory"):
        load_model(tmp_path)


def test_corrupt_model_directory(model: TextClassifier, tmp_path: Path) -> None:
    save_model(model, tmp_path, created_at=CREATED)
    artefact = tmp_path / ARTEFACT_FILE
    artefact.write_bytes(artefact.read_bytes()[:100])
    with pytest.raises(InvalidInput, match="corrupt"):
        load_model(tmp_path)
    artefact.unlink()
    with pytest.raises(InvalidInput, match="missing"):
        load_model(tmp_path)
    (tmp_path / METADATA_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidInput, match="corrupt"):
        load_model(tmp_path)


def test_a_label_with_one_example_is_refused() -> None:
    with pytest.raises(InvalidInput, match="'环境保护' \\(1\\)"):
        train([*TITLES, "河流污染"], [*DETAILS, "工厂排污水"], [*LABELS, "环境保护"])


def test_a_single_label_is_refused() -> None:
    with pytest.raises(InvalidInput, match="at least 2 different labels"):
        train(TITLES[:5], DETAILS[:5], [TRAFFIC] * 5)


def test_empty_training_message_is_refused_with_its_row() -> None:
    details = list(DETAILS)
    titles = list(TITLES)
    titles[3], details[3] = " ", "\n\t\t\t"
    with pytest.raises(InvalidInput, match="message 3 is empty"):
        train(titles, details, LABELS)


def test_huge_message_is_truncated_not_refused(model: TextClassifier) -> None:
    proba = model.predict_proba(["医院"], ["医院看病排队太久。" * 50_000])
    assert np.isclose(proba.sum(), 1.0)


def test_ensemble_and_evaluation_figures() -> None:
    config = TrainConfig(nb_weight=0.3, calibration_folds=2)
    result = cross_validate(TITLES, DETAILS, LABELS, config=config, folds=3)
    assert 0.0 <= result["macro_f1"] <= 1.0
    assert set(result["per_class_f1"]) == {TRAFFIC, SCHOOL, HEALTH}
    held_out = evaluate(train(TITLES, DETAILS, LABELS, config=config), TITLES, DETAILS, LABELS)
    assert held_out["accuracy"] == 1.0


def test_a_message_without_chinese_is_refused_for_suggestions(model: TextClassifier) -> None:
    with pytest.raises(InvalidInput, match="no Chinese characters"):
        model.top_k("Broken street light", "The light on Main Road has been off for a week")
    with pytest.raises(InvalidInput, match="empty"):
        model.top_k(" ", "\n\t\t\t")


def test_a_model_saved_with_scikit_learn_word_features_still_predicts(model: TextClassifier) -> None:
    """Models trained before the numpy word vectoriser hold a TfidfVectorizer: they keep working."""
    from dataclasses import replace

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    from gongzhi.text.vectorise import CharNgramTfidf

    docs = model.documents(TITLES, DETAILS)
    chars = CharNgramTfidf((1, 3)).fit(docs.chars)
    words = TfidfVectorizer(token_pattern=r"(?u)\S+", ngram_range=(1, 2), sublinear_tf=True).fit(docs.words)
    old_config = replace(model.config)
    object.__delattr__(old_config, "class_weight")  # as unpickled from an older TrainConfig
    object.__delattr__(old_config, "detail_chars")
    legacy = TextClassifier(old_config, model.labels, model.segmenter, chars, words, LinearSVC(), None, 1.0)
    x = legacy.vectorise(docs)
    legacy.svm.fit(x, LABELS)
    assert legacy.predict(["医院挂号排队太久"]) == [HEALTH]


def test_evaluation_has_a_confusion_matrix_and_draws_it(model: TextClassifier, tmp_path: Path) -> None:
    from gongzhi.text.evaluate import write_confusion_png

    figures = evaluate(model, TITLES, DETAILS, LABELS)
    assert figures["labels"] == model.labels
    assert np.trace(np.asarray(figures["confusion"])) == len(LABELS)
    drawn = write_confusion_png(figures["confusion"], figures["labels"], tmp_path / "c.png", title="fixtures")
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert drawn["png"] == str(tmp_path / "c.png")


def test_without_a_cjk_font_the_picture_uses_codes_and_a_legend(
    model: TextClassifier, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongzhi.text import evaluate as module

    monkeypatch.setattr(module, "cjk_font", lambda: None)
    drawn = module.write_confusion_png([[2, 1], [0, 3]], [TRAFFIC, SCHOOL], tmp_path / "c.png")
    assert drawn == {"png": str(tmp_path / "c.png"), "font": None, "legend": {"L1": TRAFFIC, "L2": SCHOOL}}
    assert (tmp_path / "c.png").stat().st_size > 1000


def test_cli_evaluate_writes_the_confusion_png_next_to_its_json(model: TextClassifier, tmp_path: Path) -> None:
    import csv
    import json

    from typer.testing import CliRunner

    from gongzhi.text.cli import app

    save_model(model, tmp_path / "m", created_at=CREATED)
    data = tmp_path / "held_out.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["留言主题", "留言详情", "一级标签"])
        writer.writerows(zip(TITLES, DETAILS, LABELS, strict=True))
    result = CliRunner().invoke(app, ["evaluate", "--model", str(tmp_path / "m"), "--data", str(data)])
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["confusion_png"] == str(tmp_path / "m" / "confusion_held_out.png")
    assert (tmp_path / "m" / "confusion_held_out.png").is_file()
    elsewhere = CliRunner().invoke(
        app, ["evaluate", "--model", str(tmp_path / "m"), "--data", str(data), "--png", str(tmp_path / "x.png")]
    )
    assert json.loads(elsewhere.stdout.strip().splitlines()[-1])["confusion_png"] == str(tmp_path / "x.png")
    skipped = CliRunner().invoke(app, ["evaluate", "--model", str(tmp_path / "m"), "--data", str(data), "--no-png"])
    assert "confusion_png" not in json.loads(skipped.stdout.strip().splitlines()[-1])


def test_label_agreement_counts_duplicates_labelled_differently() -> None:
    from gongzhi.text.evaluate import label_agreement

    titles = [*TITLES, TITLES[0], TITLES[1]]
    details = [*DETAILS, DETAILS[0], DETAILS[1]]
    labels = [*LABELS, LABELS[0], SCHOOL if LABELS[1] != SCHOOL else HEALTH]  # one copy agrees, one does not
    figures = label_agreement(titles, details, labels)
    assert figures["exact_duplicate_groups"] == 2
    assert figures["exact_duplicate_messages"] == 4
    assert figures["exact_groups_with_different_labels"] == 1
    assert figures["near_duplicate_pairs"] >= 2
    assert figures["near_duplicate_pairs_with_different_labels"] >= 1
    assert 0.0 < figures["near_duplicate_disagreement"] <= 0.5
