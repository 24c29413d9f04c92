"""'Show the Keras code': a runnable script, in the course's style, equal to a TrainingConfig."""

from __future__ import annotations

from core.lab.config import TrainingConfig
from core.lab.model_summary import input_shape, plan_layers

_DATA = {
    "digits": (
        "x, y = load_digits(return_X_y=True)\nx = (x / 16.0).astype('float32').reshape(-1, 8, 8, 1)"
    ),
    "moons": "x, y = make_moons({n}, noise={noise}, random_state={seed})",
    "circles": "x, y = make_circles({n}, noise={noise} * 0.5, factor=0.5, random_state={seed})",
    "spiral": (
        "rng = np.random.default_rng({seed})\ny = np.arange({n}) % 2\n"
        "r = rng.uniform(0.05, 1.0, {n})\nangle = 1.75 * 2 * np.pi * r + np.pi * y\n"
        "x = np.c_[r * np.cos(angle), r * np.sin(angle)] + rng.normal(0, {noise} * 0.15, ({n}, 2))"
    ),
    "random": (
        "rng = np.random.default_rng({seed})\nx = rng.random(({n}, 10))\n"
        "y = rng.integers(0, 2, {n})  # random labels: nothing to learn"
    ),
    "xor": (
        "rng = np.random.default_rng({seed})\nx = rng.uniform(-1, 1, ({n}, 2))\n"
        "y = (x[:, 0] * x[:, 1] > 0).astype(int)\nx = x + rng.normal(0, {noise} * 0.3, x.shape)"
    ),
}
_IMPORTS = {
    "digits": "from sklearn.datasets import load_digits",
    "moons": "from sklearn.datasets import make_moons",
    "circles": "from sklearn.datasets import make_circles",
}


_FIND = """import gzip
import os
from pathlib import Path

# The app's order: its data folder (REGLAB_DATA_DIR), then Keras' cache, where
# keras.datasets downloads a missing dataset.
FOLDERS = [Path(p) for p in [os.environ.get("REGLAB_DATA_DIR")] if p]
FOLDERS.append(Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets")


def find(name, download):
    for _ in range(2):
        for folder in FOLDERS:
            if (folder / name).exists():
                return folder / name
        download()
    raise FileNotFoundError(name)
"""
_COURSE = {
    "mnist": """
with np.load(find("mnist.npz", keras.datasets.mnist.load_data)) as f:
    x_all, y_all, x_test, y_test = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
x_all = x_all[..., None].astype("float32") / 255  # 28x28x1, scaled to [0, 1]
x_test = x_test[..., None].astype("float32") / 255""",
    "fashion_mnist": """

def read_idx(name):  # the gzipped IDX files keras.datasets.fashion_mnist reads
    with gzip.open(find("fashion-mnist/" + name, keras.datasets.fashion_mnist.load_data)) as f:
        raw = f.read()
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(raw[3]))
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * raw[3]).reshape(shape)


x_all = read_idx("train-images-idx3-ubyte.gz")[..., None].astype("float32") / 255
y_all = read_idx("train-labels-idx1-ubyte.gz").astype("int32")
x_test = read_idx("t10k-images-idx3-ubyte.gz")[..., None].astype("float32") / 255
y_test = read_idx("t10k-labels-idx1-ubyte.gz").astype("int32")""",
    "imdb": """
with np.load(find("imdb.npz", keras.datasets.imdb.load_data), allow_pickle=True) as f:
    raw = {{name: f[name] for name in f.files}}
rng = np.random.RandomState(113)  # keras.datasets.imdb.load_data(num_words={words}), same order


def encode(split):
    x, y = raw["x_" + split], raw["y_" + split]
    order = np.arange(len(x))
    rng.shuffle(order)
    reviews = [[1] + [w + 3 if w + 3 < {words} else 2 for w in x[i]] for i in order]
    rows = np.zeros((len(reviews), {words}), "float32")  # the course's vectorize_sequences
    for i, review in enumerate(reviews):
        rows[i, review] = 1.0
    return rows, np.asarray(y)[order].astype("int32")


x_all, y_all = encode("train")
x_test, y_test = encode("test")""",
}


def _course_data(config: TrainingConfig) -> str:
    """Course data as the app reads it, then its validation holdout of the training set."""
    n_val = f"round(len(y_all) * {config.val_fraction:g})"
    order = (
        f"np.random.default_rng({config.seed}).permutation(len(y_all))"
        if config.holdout == "random"
        else "np.arange(len(y_all))"
    )
    if config.holdout == "last":
        parts = "train, val = order[:len(order) - n_val], order[len(order) - n_val:]"
    else:
        parts = "train, val = order[n_val:], order[:n_val]"
    subset = f"\ntrain = train[:{config.train_subset}]" if config.train_subset else ""
    body = _COURSE[config.dataset].format(words=config.vocabulary)
    return (
        f"{body}\n\n# Validation: {config.holdout} {config.val_fraction:g} of the training set\n"
        f"n_val = {n_val}\norder = {order}\n{parts}{subset}\n"
        "x_train, y_train = x_all[train], y_all[train]\nx_val, y_val = x_all[val], y_all[val]"
    )


def _regularizer(args: dict) -> str:
    l1, l2 = args.get("l1", 0.0), args.get("l2", 0.0)
    if l1 and l2:
        return f", kernel_regularizer=regularizers.l1_l2(l1={l1:g}, l2={l2:g})"
    if l1:
        return f", kernel_regularizer=regularizers.l1({l1:g})"
    if l2:
        return f", kernel_regularizer=regularizers.l2({l2:g})"
    return ""


def _layer_line(kind: str, args: dict) -> str:
    activation = f', activation="{args["activation"]}"' if args.get("activation") else ""
    if kind == "Dense":
        return f"layers.Dense({args['units']}{activation}{_regularizer(args)})"
    if kind == "Conv2D":
        size = args["kernel_size"]
        return f"layers.Conv2D({args['filters']}, ({size}, {size}){activation})"
    if kind == "Dropout":
        return f"layers.Dropout({args['rate']:g})"
    if kind == "MaxPooling2D":
        return "layers.MaxPooling2D((2, 2))"
    if kind == "Activation":
        return f'layers.Activation("{args["activation"]}")'
    return f"layers.{kind}()"


def _optimizer(config: TrainingConfig) -> str:
    lr = f"learning_rate={config.learning_rate:g}"
    if config.weight_decay:
        lr += f", weight_decay={config.weight_decay:g}"
    if config.optimizer == "sgd":
        return (
            f"keras.optimizers.SGD({lr}, momentum={config.momentum:g}, nesterov={config.nesterov})"
        )
    name = {"adam": "Adam", "rmsprop": "RMSprop"}[config.optimizer]
    return f"keras.optimizers.{name}({lr})"


def _data_loss_note(config: TrainingConfig) -> str:
    if not config.uses_penalty:
        return ""
    return (
        "\n# Keras' val_loss includes the L1/L2 penalty; the app marks the best epoch (and keeps"
        "\n# the best checkpoint) by the data part alone: the data_loss metric, monitored below."
        + (
            "\n# EarlyStopping monitors val_loss with the penalty, as Keras does: its restored"
            "\n# epoch can differ from the best checkpoint's."
            if config.early_stopping
            else ""
        )
    )


def keras_code(config: TrainingConfig) -> str:
    """A script that loads the data, builds, trains and evaluates the same model."""
    course = config.dataset in _COURSE
    if course:
        imports = _FIND
        data = _course_data(config)
    else:
        data = _DATA[config.dataset].format(
            n=config.n_samples, noise=config.noise, seed=config.seed
        )
        imports = _IMPORTS.get(config.dataset, "")
        data = f"""# Data: a seeded shuffle, then test, validation (holdout) and training parts
{data}
order = np.random.default_rng({config.seed}).permutation(len(y))
n_test = round(len(y) * {config.test_fraction:g})
n_val = round((len(y) - n_test) * {config.val_fraction:g})
test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_test + n_val:]{
            f"[:{config.train_subset}]" if config.train_subset else ""
        }
x_train, y_train = x[train], y[train]
x_val, y_val = x[val], y[val]
x_test, y_test = x[test], y[test]"""
    model_lines = [f"    keras.Input(shape={input_shape(config)}),"]
    model_lines += [f"    {_layer_line(kind, args)}," for _, kind, args in plan_layers(config)]
    loss = "binary_crossentropy" if config.info.is_binary else "sparse_categorical_crossentropy"
    metrics = '["accuracy"]'
    monitor = "val_loss"
    if config.uses_penalty:  # the app's best epoch: lowest validation *data* loss
        metric = "BinaryCrossentropy" if config.info.is_binary else "SparseCategoricalCrossentropy"
        metrics = f'["accuracy", keras.metrics.{metric}(name="data_loss")]'
        monitor = "val_data_loss"
    callbacks = [
        f'    keras.callbacks.ModelCheckpoint("best.keras", monitor="{monitor}", mode="min", '
        "save_best_only=True),"
    ]
    if config.early_stopping:
        callbacks.append(
            f'    keras.callbacks.EarlyStopping(monitor="{config.es_monitor}", '
            f"patience={config.es_patience}, restore_best_weights={config.es_restore_best}"
            + (f", min_delta={config.es_min_delta:g}" if config.es_min_delta else "")
            + "),"
        )
    restored = config.early_stopping and config.es_restore_best
    final = "restored best weights (EarlyStopping)" if restored else "last epoch"
    return f'''import numpy as np
import keras
from keras import layers, regularizers
{imports}

keras.utils.set_random_seed({config.seed})

{data}

# Model
model = keras.Sequential([
{chr(10).join(model_lines)}
])
model.summary()

model.compile(optimizer={_optimizer(config)},
              loss="{loss}",
              metrics={metrics}){_data_loss_note(config)}

callbacks = [
{chr(10).join(callbacks)}
]
history = model.fit(x_train, y_train,
                    epochs={config.epochs},
                    batch_size={config.batch_size},
                    validation_data=(x_val, y_val),
                    callbacks=callbacks)

print("test ({final}):", model.evaluate(x_test, y_test, verbose=0))
best_epoch = int(np.argmin(history.history["{monitor}"])) + 1
print("best epoch (lowest {monitor}):", best_epoch)
best = keras.models.load_model("best.keras")
print("test (best checkpoint):", best.evaluate(x_test, y_test, verbose=0))
'''
