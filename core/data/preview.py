"""The Lab's data preview as small plain data: split sizes and a few examples.

Course datasets are read in a short-lived child process (`python -m core.data.preview`), so the
server process never holds their arrays: only the few examples it shows come back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from core.data.course_data import DatasetUnavailable, decode_review, load_raw, word_index
from core.data.features import image_bytes
from core.data.loading import load_splits
from core.lab.config import TrainingConfig

ROOT = Path(__file__).resolve().parents[2]
IMAGES, REVIEWS, POINTS = 16, 3, 3000


def preview(config: TrainingConfig, data_dir: str | None = None) -> dict:
    """Split sizes, and 16 images, 3 decoded reviews or the training points."""
    splits = load_splits(config, data_dir=data_dir)
    shown: dict = {"sizes": splits.sizes()}
    if config.info.kind == "points":
        shown["points"] = {
            "x": np.round(splits.x_train[:POINTS], 4).tolist(),
            "y": splits.y_train[:POINTS].tolist(),
        }
    elif config.info.kind == "table":
        shown["rows"] = np.round(splits.x_train[:8], 3).tolist()
        shown["labels"] = splits.y_train[:8].tolist()
    elif config.info.image_shape is not None:
        shown["images"] = image_bytes(splits.x_train[:IMAGES])
        shown["labels"] = splits.y_train[:IMAGES].tolist()
    elif config.info.kind == "text":
        sequences, labels, _, _ = load_raw(config.dataset, config.vocabulary, data_dir=data_dir)
        ranks = word_index(data_dir)
        shown["reviews"] = [
            {"label": int(labels[i]), "text": decode_review(sequences[i], ranks)[:600]}
            for i in range(min(REVIEWS, len(labels)))
        ]
    return shown


def preview_elsewhere(config: TrainingConfig, data_dir: str | None, timeout: float = 180) -> dict:
    """preview() in a child process that exits afterwards (its memory goes back to the OS).

    Raises DatasetUnavailable with the child's message when the data cannot be read.
    """
    return in_child("preview", {"query": config.to_query(), "data_dir": data_dir}, timeout)


def in_child(kind: str, arguments: dict, timeout: float = 180) -> dict:
    """One of KINDS run in a child process with JSON arguments; its small JSON answer."""
    command = [sys.executable, "-m", "core.data.preview", kind, json.dumps(arguments)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, IndexError, json.JSONDecodeError, OSError) as error:
        raise DatasetUnavailable(f"The data preview could not be made ({error}).") from error
    if "error" in answer:
        raise DatasetUnavailable(answer["error"])
    return answer


def _preview(query: dict, data_dir: str | None) -> dict:
    return preview(TrainingConfig.from_query(query)[0], data_dir or None)


def _kinds() -> dict:
    from core.data.walkthrough import images_walkthrough, imdb_walkthrough

    return {"preview": _preview, "imdb": imdb_walkthrough, "images": images_walkthrough}


def main(kind: str, arguments: str) -> None:
    try:
        answer = _kinds()[kind](**json.loads(arguments))
    except DatasetUnavailable as error:
        answer = {"error": str(error)}
    except Exception as error:  # the page shows it as a message, never as a traceback
        answer = {"error": f"The data could not be read ({type(error).__name__}: {error})."}
    print(json.dumps(answer))


if __name__ == "__main__":
    main(*sys.argv[1:3])
