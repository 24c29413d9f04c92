"""Tiny course datasets written in the real Keras cache formats (npz, gzipped IDX, json)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

WORDS = ["the", "film", "was", "great", "bad", "plot", "acting", "boring", "loved", "it"]


def write_idx(path: Path, array: np.ndarray) -> None:
    header = bytes([0, 0, 8, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def write_course_data(folder: Path, n_train: int = 240, n_test: int = 60) -> Path:
    """mnist.npz, fashion-mnist/*.gz, imdb.npz and imdb_word_index.json in `folder`."""
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)

    def images(n):
        labels = np.arange(n) % 10
        pictures = rng.integers(0, 40, (n, 28, 28)).astype(np.uint8)
        for i, label in enumerate(labels):  # a bright bar whose row says the class
            pictures[i, 2 + 2 * label : 4 + 2 * label, 4:24] = 250
        return pictures, labels.astype(np.uint8)

    (x_train, y_train), (x_test, y_test) = images(n_train), images(n_test)
    np.savez(folder / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    (folder / "fashion-mnist").mkdir(exist_ok=True)
    for name, x, y in (("train", x_train, y_train), ("t10k", x_test, y_test)):
        write_idx(folder / f"fashion-mnist/{name}-images-idx3-ubyte.gz", x)
        write_idx(folder / f"fashion-mnist/{name}-labels-idx1-ubyte.gz", y)

    def reviews(n):
        labels = np.arange(n) % 2
        sequences = np.empty(n, dtype=object)
        for i, label in enumerate(labels):  # ranks 1..10; "great"/"loved" mean positive
            words = [1, 2, 3, 4 if label else 5, 9 if label else 8, 6]
            sequences[i] = [int(w) for w in rng.permutation(words)]
        return sequences, labels.astype(np.int64)

    (r_train, l_train), (r_test, l_test) = reviews(n_train), reviews(n_test)
    np.savez(folder / "imdb.npz", x_train=r_train, y_train=l_train, x_test=r_test, y_test=l_test)
    ranks = {word: rank for rank, word in enumerate(WORDS, start=1)}
    (folder / "imdb_word_index.json").write_text(json.dumps(ranks))
    return folder
