"""Compact feature arrays for workers: uint8 images scaled per batch, multi-hot rows as word ids.

Both index like NumPy arrays (a slice or an index array gives the same kind), report `len`,
`shape` and `nbytes`, and become dense float32 only when asked (`np.asarray(part)`), one
batch or evaluation chunk at a time. IMDB at 10,000 words is ~25 MB this way, not 250 MB.
"""

from __future__ import annotations

import numpy as np


class ScaledImages:
    """uint8 images (n, h, w, c) that read as float32 times `scale` (1/255 → [0, 1])."""

    def __init__(self, raw: np.ndarray, scale: float = 1 / 255) -> None:
        self.raw, self.scale = raw, scale

    def __len__(self) -> int:
        return len(self.raw)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.raw.shape

    @property
    def nbytes(self) -> int:
        return self.raw.nbytes

    def __getitem__(self, key) -> ScaledImages:
        return ScaledImages(self.raw[key], self.scale)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return (self.raw.astype(np.float32) * np.float32(self.scale)).astype(dtype or np.float32)


class MultiHot:
    """Rows of a 0/1 matrix of `width` columns, kept as each row's sorted column ids (CSR)."""

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, width: int) -> None:
        self.indptr, self.indices, self.width = indptr, indices, width

    @classmethod
    def from_sequences(cls, sequences, width: int) -> MultiHot:
        """The course's vectorize_sequences: word ids below `width` set their column to 1."""
        rows = [np.unique(np.asarray(s, dtype=np.int64)) for s in sequences]
        rows = [r[(r >= 0) & (r < width)].astype(np.int32) for r in rows]
        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        indices = np.concatenate(rows) if rows else np.zeros(0, np.int32)
        return cls(indptr, indices.astype(np.int32), width)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    @property
    def shape(self) -> tuple[int, int]:
        return len(self), self.width

    @property
    def nbytes(self) -> int:
        return self.indptr.nbytes + self.indices.nbytes

    def row(self, i: int) -> np.ndarray:
        return self.indices[self.indptr[i] : self.indptr[i + 1]]

    def __getitem__(self, key) -> MultiHot:
        rows = np.arange(len(self))[key]
        rows = np.atleast_1d(rows)
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        lengths = ends - starts
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        if len(rows) and np.all(np.diff(rows) == 1):  # a contiguous block: one slice
            indices = self.indices[starts[0] : ends[-1]]
        else:
            take = np.repeat(starts - indptr[:-1], lengths) + np.arange(indptr[-1])
            indices = self.indices[take]
        return MultiHot(indptr, indices, self.width)

    def coordinates(self, rows_per_batch: int | None = None) -> np.ndarray:
        """(row, column) of every 1, as int64 pairs in row-major order (a sparse tensor's
        indices); rows count from 0 again every `rows_per_batch` rows."""
        rows = np.arange(len(self), dtype=np.int64)
        if rows_per_batch:
            rows %= rows_per_batch
        rows = rows.repeat(np.diff(self.indptr))
        return np.stack([rows, self.indices.astype(np.int64)], axis=1)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        dense = np.zeros(self.shape, dtype=dtype or np.float32)
        rows, columns = self.coordinates().T
        dense[rows, columns] = 1
        return dense


def as_float32(part) -> np.ndarray:
    """A dense float32 batch of any feature kind."""
    return np.asarray(part, dtype=np.float32)


def row_width(x) -> int:
    """Numbers per example (for sizing evaluation chunks)."""
    return int(np.prod(x.shape[1:])) if len(x.shape) > 1 else 1


def image_bytes(images) -> list:
    """Images in [0, 1] as nested lists of 0–255 integers (small, JSON-friendly, no arrays)."""
    pixels = np.clip(as_float32(images)[..., 0] * 255, 0, 255).round().astype(np.uint8)
    return pixels.tolist()
