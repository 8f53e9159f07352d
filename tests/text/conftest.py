"""Session-wide tiny models (training takes seconds; every test registers the same directories)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gongzhi.text.types import load_types
from tests.text.model_support import category_messages, train_dir

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "text"
TRAINED_AT = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="session")
def category_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_dir(category_messages(), tmp_path_factory.mktemp("models") / "category", TRAINED_AT)


@pytest.fixture(scope="session")
def type_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    messages = load_types(FIXTURES / "msgabench_sample.csv")
    return train_dir(messages, tmp_path_factory.mktemp("models") / "type", TRAINED_AT)
