"""A course dataset fetched through keras.datasets into Keras' cache (worker processes only)."""

from __future__ import annotations


def keras_download(name: str) -> None:
    """Let keras.datasets fetch the files into its cache (worker processes only)."""
    import keras  # here, not at the top: a worker imports it once anyway

    loader = {"mnist": keras.datasets.mnist, "fashion_mnist": keras.datasets.fashion_mnist,
              "imdb": keras.datasets.imdb}[name]  # fmt: skip
    loader.load_data()
    if name == "imdb":
        keras.datasets.imdb.get_word_index()
