"""'Show the Keras code': a runnable script, in the course's style, equal to a TrainingConfig."""

from __future__ import annotations

from core.config import TrainingConfig
from core.model_summary import input_shape, plan_layers

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


def keras_code(config: TrainingConfig) -> str:
    """A script that loads the data, builds, trains and evaluates the same model."""
    if config.dataset not in _DATA:
        data = f"# {config.dataset}: see the Training Lab's course-dataset loader\n"
        imports = ""
    else:
        data = _DATA[config.dataset].format(
            n=config.n_samples, noise=config.noise, seed=config.seed
        )
        imports = _IMPORTS.get(config.dataset, "")
    model_lines = [f"    keras.Input(shape={input_shape(config)}),"]
    model_lines += [f"    {_layer_line(kind, args)}," for _, kind, args in plan_layers(config)]
    loss = "binary_crossentropy" if config.info.is_binary else "sparse_categorical_crossentropy"
    callbacks = ['    keras.callbacks.ModelCheckpoint("best.keras", save_best_only=True),']
    if config.early_stopping:
        callbacks.append(
            f'    keras.callbacks.EarlyStopping(monitor="{config.es_monitor}", '
            f"patience={config.es_patience}, restore_best_weights={config.es_restore_best}"
            + (f", min_delta={config.es_min_delta:g}" if config.es_min_delta else "")
            + "),"
        )
    subset = f"[:{config.train_subset}]" if config.train_subset else ""
    return f'''import numpy as np
import keras
from keras import layers, regularizers
{imports}

keras.utils.set_random_seed({config.seed})

# Data: a seeded shuffle, then test, validation (holdout) and training parts
{data}
order = np.random.default_rng({config.seed}).permutation(len(y))
n_test = round(len(y) * {config.test_fraction:g})
n_val = round((len(y) - n_test) * {config.val_fraction:g})
test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_test + n_val:]{subset}
x_train, y_train = x[train], y[train]
x_val, y_val = x[val], y[val]
x_test, y_test = x[test], y[test]

# Model
model = keras.Sequential([
{chr(10).join(model_lines)}
])
model.summary()

model.compile(optimizer={_optimizer(config)},
              loss="{loss}",
              metrics=["accuracy"])

callbacks = [
{chr(10).join(callbacks)}
]
history = model.fit(x_train, y_train,
                    epochs={config.epochs},
                    batch_size={config.batch_size},
                    validation_data=(x_val, y_val),
                    callbacks=callbacks)

print("test (last epoch):", model.evaluate(x_test, y_test, verbose=0))
best = keras.models.load_model("best.keras")
print("test (best checkpoint):", best.evaluate(x_test, y_test, verbose=0))
'''
