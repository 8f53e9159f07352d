"""Save and load a trained classifier as a versioned directory.

A model directory holds two files:

- ``model.json`` — what a person (or the admin page) reads: format version, creation time, labels,
  training configuration, its evaluation, library versions, and the SHA-256 of the artefact;
- ``model.joblib`` — the fitted vectorisers and scorers.

Loading checks the format version, the library versions the artefact needs and the checksum before
unpickling, so a truncated copy or a half-written directory gives a clear message instead of a
stack trace from deep inside pickle. The checksum guards against corruption, not tampering: load
only model directories you (or your platform) wrote — unpickling runs code.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import joblib
import sklearn

from gongzhi.errors import InvalidInput
from gongzhi.text.classify import TextClassifier

FORMAT = "gongzhi.text.classifier"
FORMAT_VERSION = 1
METADATA_FILE = "model.json"
ARTEFACT_FILE = "model.joblib"


def save_model(
    model: TextClassifier, directory: Path, *, created_at: datetime, evaluation: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Write ``model`` to ``directory`` (created if need be) and return the metadata written.

    The artefact is written first and the metadata last, so a directory with ``model.json`` is complete.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    artefact = directory / ARTEFACT_FILE
    joblib.dump(model, artefact, compress=3)
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created_at.isoformat(),
        "labels": model.labels,
        "config": model.config.to_dict(),
        "temperature": model.temperature,
        "info": model.info,
        "evaluation": evaluation or {},
        "libraries": {"scikit-learn": sklearn.__version__},
        "artefact": {"file": ARTEFACT_FILE, "sha256": _sha256(artefact)},
    }
    tmp = directory / (METADATA_FILE + ".tmp")
    tmp.write_text(json.dumps(metadata, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(directory / METADATA_FILE)
    return metadata


def read_metadata(directory: Path) -> dict[str, Any]:
    """The parsed ``model.json`` of a model directory, checked for format and version."""
    directory = Path(directory)
    hint = "train a model into it with `gongzhi model train --out DIR`"
    if not directory.is_dir():
        raise InvalidInput(f"model directory {directory} does not exist; {hint}", field="model")
    path = directory / METADATA_FILE
    if not path.is_file():
        raise InvalidInput(f"{directory} is not a model directory (no {METADATA_FILE}); {hint}", field="model")
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"{path} is corrupt ({exc}); retrain the model or restore the directory", field="model"
        ) from exc
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise InvalidInput(f"{path} does not describe a gongzhi text classifier; {hint}", field="model")
    if metadata.get("format_version") != FORMAT_VERSION:
        raise InvalidInput(
            f"{directory} holds a model of format version {metadata.get('format_version')}, this gongzhi reads "
            f"version {FORMAT_VERSION}; retrain the model with this version",
            field="model",
        )
    return metadata


_RETRAIN = "retrain the model or restore the directory from a backup"


def verify(directory: Path) -> dict[str, Any]:
    """Check a model directory without unpickling it (metadata, artefact present, checksum); its metadata.

    Cheap enough for listings and for refusing to activate a broken version; raises :class:`InvalidInput`.
    """
    directory = Path(directory)
    metadata = read_metadata(directory)
    artefact = _artefact(directory, metadata)
    if not artefact.is_file():
        raise InvalidInput(f"model artefact {artefact} is missing; {_RETRAIN}", field="model")
    if _sha256(artefact) != metadata.get("artefact", {}).get("sha256"):
        raise InvalidInput(f"model artefact {artefact} is corrupt (checksum mismatch); {_RETRAIN}", field="model")
    return metadata


def _artefact(directory: Path, metadata: dict[str, Any]) -> Path:
    return directory / str(metadata.get("artefact", {}).get("file", ARTEFACT_FILE))


def load_model(directory: Path) -> TextClassifier:
    """Load a model saved by :func:`save_model`, or raise :class:`InvalidInput` saying what to do."""
    directory = Path(directory)
    metadata = verify(directory)
    artefact = _artefact(directory, metadata)
    wanted = metadata.get("libraries", {}).get("scikit-learn")
    if wanted != sklearn.__version__:
        raise InvalidInput(
            f"{directory} was trained with scikit-learn {wanted}, this installation has {sklearn.__version__}; "
            "retrain the model (pickled models are not portable across versions)",
            field="model",
        )
    try:
        model = joblib.load(artefact)
    except Exception as exc:  # unpickling fails in many ways; every one means "unusable"
        raise InvalidInput(f"model artefact {artefact} cannot be read ({exc}); {_RETRAIN}", field="model") from exc
    if not isinstance(model, TextClassifier):
        raise InvalidInput(f"{artefact} does not hold a text classifier; {_RETRAIN}", field="model")
    return model


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
