"""The course data as the notebooks show it: a review as word ids, text and multi-hot vector,
an image by index, shapes, and which examples train, validate and test.

The walk-throughs read datasets, so pages call them through core.data.preview's child process; the
split maps need only sizes and use the very index functions the jobs use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.data.course_data import INDEX_FROM, decode_review, load_raw, word_index
from core.data.features import MultiHot
from core.data.loading import holdout_indices
from core.lab.config import HOLDOUTS, VOCABULARIES
from core.lab.kfold import fold_indices
from core.lab.url_state import spec

COURSE_SETS = ("imdb", "mnist", "fashion_mnist")
TRAINING_SIZES = {"imdb": 25_000, "mnist": 60_000, "fashion_mnist": 60_000}


@dataclass(frozen=True)
class DataView:
    """What the Course data page shows: which dataset and example, which split settings."""

    dataset: str = spec("imdb", "cds", "Dataset", choices=COURSE_SETS)
    index: int = spec(0, "idx", "Example index", lo=0, hi=59_999)
    vocabulary: int = spec(10_000, "cwords", "Vocabulary", lo=1000, hi=10_000, options=VOCABULARIES)
    val_fraction: float = spec(0.4, "cval", "Validation fraction", lo=0.05, hi=0.5)
    seed: int = spec(42, "cseed", "Seed", lo=0, hi=2**31 - 1)
    size: int = spec(1000, "ckn", "K-fold reduced size", lo=20, hi=25_000)
    k: int = spec(4, "ck", "Folds k", lo=2, hi=10)
    repeats: int = spec(1, "creps", "Repetitions P", lo=1, hi=5)


TRAIN, VALIDATION = 0, 1


OPENING_WORDS = 40  # a misclassified review's first words, as the Lab shows them


def review_openings(
    indices: list[int], vocabulary: int, data_dir: str | None = None
) -> dict[int, str]:
    """Test review index → its first words decoded (out-of-vocabulary words as "?"), the
    start marker dropped; {} when the files cannot be read."""
    from core.data.course_data import DatasetUnavailable

    try:
        _, _, x_test, _ = load_raw("imdb", vocabulary, data_dir=data_dir)
        ranks = word_index(data_dir)
    except (DatasetUnavailable, OSError, ValueError):
        return {}
    openings = {}
    for index in indices:
        if 0 <= index < len(x_test):
            words = decode_review(list(x_test[index])[1 : OPENING_WORDS + 1], ranks)
            openings[index] = words + (" …" if len(x_test[index]) > OPENING_WORDS + 1 else "")
    return openings


def imdb_walkthrough(vocabulary: int, index: int, data_dir: str | None = None) -> dict:
    """Review `index` of the training set as the notebook prints it, and the shortest one."""
    x_train, y_train, x_test, _ = load_raw("imdb", vocabulary, data_dir=data_dir)
    index = int(np.clip(index, 0, len(x_train) - 1))
    ranks = word_index(data_dir)
    lengths = np.fromiter((len(s) for s in x_train), dtype=np.int64, count=len(x_train))
    shortest = int(lengths.argmin())
    sequence = list(x_train[index])
    row = MultiHot.from_sequences([sequence], vocabulary)
    return {
        "shapes": {
            "train_data": [len(x_train)],
            "test_data": [len(x_test)],
            "x_train (multi-hot)": [len(x_train), vocabulary],
        },
        "index": index,
        "label": int(y_train[index]),
        "ids": [int(i) for i in sequence],
        "text": decode_review(sequence, ranks),
        "ones": row.row(0).tolist(),
        "shortest": {"index": shortest, "text": decode_review(x_train[shortest], ranks)},
        "top_words": [ranks.get(r, "?") for r in range(1, 21)],
        "index_from": INDEX_FROM,
    }


def images_walkthrough(dataset: str, index: int, data_dir: str | None = None) -> dict:
    """Image `index` of the training set (the notebook shows X_train[90]) and the shapes."""
    x_train, y_train, x_test, _ = load_raw(dataset, data_dir=data_dir)
    index = int(np.clip(index, 0, len(x_train) - 1))
    return {
        "shapes": {"x_train": list(x_train.shape), "x_test": list(x_test.shape)},
        "index": index,
        "label": int(y_train[index]),
        "image": x_train[index].tolist(),
        "range": [int(x_train[index].min()), int(x_train[index].max())],
    }


def holdout_roles(n: int, fraction: float, mode: str, seed: int) -> np.ndarray:
    """Each training example's role (TRAIN or VALIDATION) for the Lab's holdout settings."""
    roles = np.full(n, TRAIN)
    _, validation = holdout_indices(n, fraction, mode, seed)
    roles[validation] = VALIDATION
    return roles


def kfold_roles(n: int, k: int, repeats: int, seed: int = 0) -> np.ndarray:
    """One row per model (fold × repetition): each example's role, as the K-fold job cuts it."""
    folds = fold_indices(n, k, repeats, seed)
    roles = np.full((len(folds), n), TRAIN)
    for row, fold in enumerate(folds):
        roles[row, fold.val] = VALIDATION
    return roles


def holdout_map(view: DataView, n: int) -> tuple[np.ndarray, list[str]]:
    """The three holdout modes side by side, one row each."""
    rows = [holdout_roles(n, view.val_fraction, mode, view.seed) for mode in HOLDOUTS]
    return np.stack(rows), [f"{mode} {view.val_fraction:.0%}" for mode in HOLDOUTS]


def kfold_map(view: DataView) -> tuple[np.ndarray, list[str]]:
    roles = kfold_roles(view.size, view.k, view.repeats, view.seed)
    labels = [f"rep {r + 1} · fold {f + 1}" for r in range(view.repeats) for f in range(view.k)]
    return roles, labels
