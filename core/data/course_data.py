"""Course datasets (MNIST, Fashion-MNIST, IMDB) read with NumPy from a Keras-cache-style folder.

Order: the folder in REGLAB_DATA_DIR, then Keras' own cache (~/.keras/datasets), then (in a
worker only) a download through keras.datasets (core.training.download); else DatasetUnavailable
with what to do.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import pickle
import socket
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

FILES = {
    "mnist": ("mnist.npz",),
    "fashion_mnist": tuple(
        f"fashion-mnist/{name}-{kind}-idx{dim}-ubyte.gz"
        for name in ("train", "t10k")
        for kind, dim in (("labels", 1), ("images", 3))
    ),
    "imdb": ("imdb.npz",),
}
TITLES = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST", "imdb": "IMDB"}
IMDB_SEED, START_CHAR, OOV_CHAR, INDEX_FROM = 113, 1, 2, 3
_ALLOWED = frozenset({("numpy", "ndarray"), ("numpy", "dtype"),
                      ("numpy.core.multiarray", "_reconstruct"),
                      ("numpy._core.multiarray", "_reconstruct")})  # fmt: skip


class DatasetUnavailable(Exception):
    """A course dataset could not be loaded; the message says what failed and what to do."""


Downloader = Callable[[str], None]  # dataset name -> its files in Keras' cache
DOWNLOAD_HOST = ("storage.googleapis.com", 443)  # where keras.datasets fetches the files


def download_reachable(timeout: float = 1.5) -> bool:
    """Whether a worker could download a course dataset (False when REGLAB_OFFLINE is set)."""
    if os.environ.get("REGLAB_OFFLINE"):
        return False
    try:
        socket.create_connection(DOWNLOAD_HOST, timeout=timeout).close()
    except OSError:
        return False
    return True


def missing_message(name: str, data_dir: str | None = None) -> str | None:
    """Why a course dataset cannot be trained on here (not on disk, no download), or None."""
    if name not in FILES or find_folder(name, data_dir or configured_folder()) is not None:
        return None
    if download_reachable():
        return None
    return str(_unavailable(name, None, data_dir or configured_folder()))


def configured_folder() -> str | None:
    """The operator's data folder (REGLAB_DATA_DIR); jobs carry it to the workers."""
    return os.environ.get("REGLAB_DATA_DIR") or None


def search_folders(data_dir: str | None = None) -> list[Path]:
    folders = []
    if data_dir or configured_folder():
        folders.append(Path(data_dir or configured_folder()).expanduser())
    keras_home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")).expanduser()
    folders.append(keras_home / "datasets")
    return folders


def find_folder(name: str, data_dir: str | None = None) -> Path | None:
    """The first folder holding every file of the dataset, or None."""
    for folder in search_folders(data_dir):
        if all((folder / f).is_file() for f in FILES[name]):
            return folder
    return None


class _RestrictedUnpickler(pickle.Unpickler):
    """Only numpy array reconstruction may be unpickled (as Keras' npz_utils does)."""

    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a dataset file")


def load_npz(path: Path) -> dict[str, np.ndarray]:
    """An .npz archive, object arrays included, without arbitrary unpickling."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            stream = io.BytesIO(archive.read(member))
            try:
                array = np.lib.format.read_array(stream, allow_pickle=False)
            except ValueError:
                stream.seek(0)
                version = np.lib.format.read_magic(stream)
                if version[0] == 1:
                    np.lib.format.read_array_header_1_0(stream)
                else:
                    np.lib.format.read_array_header_2_0(stream)
                array = _RestrictedUnpickler(stream).load()
            arrays[member.removesuffix(".npy")] = array
    return arrays


def read_idx(path: Path) -> np.ndarray:
    """A gzipped IDX file (the MNIST format): big-endian dims after a 4-byte magic."""
    with gzip.open(path, "rb") as handle:
        raw = handle.read()
    dims = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def _images(name: str, folder: Path):
    if name == "mnist":
        data = load_npz(folder / "mnist.npz")
        return data["x_train"], data["y_train"], data["x_test"], data["y_test"]
    y_train, x_train, y_test, x_test = (read_idx(folder / f) for f in FILES[name])
    return x_train, y_train, x_test, y_test


def imdb_sequences(raw: dict[str, np.ndarray], vocabulary: int):
    """Keras' imdb.load_data processing: seed-113 shuffle, start/OOV chars, index offset."""
    rng = np.random.RandomState(IMDB_SEED)
    parts = []
    for split in ("train", "test"):
        x, y = raw[f"x_{split}"], raw[f"y_{split}"]
        order = np.arange(len(x))
        rng.shuffle(order)
        sequences = [
            [START_CHAR]
            + [w + INDEX_FROM if w + INDEX_FROM < vocabulary else OOV_CHAR for w in x[i]]
            for i in order
        ]
        parts.append((sequences, np.asarray(y)[order].astype("int32")))
    return parts


def _unavailable(name: str, error: Exception | None, data_dir=None) -> DatasetUnavailable:
    looked = ", ".join(str(f) for f in search_folders(data_dir))
    why = (
        f" The download through keras.datasets failed ({type(error).__name__}: {error})."
        if error
        else ""
    )
    return DatasetUnavailable(
        f"{TITLES[name]} is not available: no {' / '.join(FILES[name])} in {looked}.{why} "
        "Fix: copy the files (Keras' cache layout) into a folder and set REGLAB_DATA_DIR to it, "
        "or connect this server to the internet. The embedded datasets still work."
    )


def load_raw(
    name: str,
    vocabulary: int = 10_000,
    download: Downloader | None = None,
    data_dir: str | None = None,
):
    """(x_train, y_train, x_test, y_test) as stored: uint8 images, or IMDB word-index lists.

    `download(name)` fetches missing files into Keras' cache: workers pass
    core.training.download.keras_download; the server never downloads."""
    data_dir = data_dir or configured_folder()
    folder = find_folder(name, data_dir)
    if folder is None and download is not None:
        try:
            download(name)
        except Exception as error:
            raise _unavailable(name, error, data_dir) from error
        folder = find_folder(name, data_dir)
    if folder is None:
        raise _unavailable(name, None, data_dir)
    if name == "imdb":
        (x_train, y_train), (x_test, y_test) = imdb_sequences(
            load_npz(folder / "imdb.npz"), vocabulary
        )
        return x_train, y_train, x_test, y_test
    return _images(name, folder)


def word_index(data_dir: str | None = None) -> dict[int, str]:
    """Rank → word, as the course decodes reviews (ranks are offset by 3 in the sequences)."""
    for folder in search_folders(data_dir):
        path = folder / "imdb_word_index.json"
        if path.is_file():
            words = json.loads(path.read_text(encoding="utf-8"))
            return {rank: word for word, rank in words.items()}
    return {}


def decode_review(sequence, ranks: dict[int, str]) -> str:
    return " ".join(ranks.get(i - INDEX_FROM, "?") for i in sequence)


def multi_hot(sequences, vocabulary: int) -> np.ndarray:
    """The course's vectorize_sequences, as uint8 (a quarter of float32's memory)."""
    out = np.zeros((len(sequences), vocabulary), dtype=np.uint8)
    for row, sequence in enumerate(sequences):
        out[row, sequence] = 1
    return out
