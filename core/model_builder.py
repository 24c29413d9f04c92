"""Build and compile the Keras model a TrainingConfig describes (worker processes only)."""

from __future__ import annotations

import keras

from core.config import TrainingConfig
from core.model_summary import input_shape, plan_layers


def _regularizer(l1: float, l2: float):
    if l1 and l2:
        return keras.regularizers.L1L2(l1=l1, l2=l2)
    if l1:
        return keras.regularizers.L1(l1)
    if l2:
        return keras.regularizers.L2(l2)
    return None


def _layer(name: str, kind: str, args: dict) -> keras.layers.Layer:
    if kind == "Dense":
        return keras.layers.Dense(
            args["units"],
            activation=args.get("activation"),
            kernel_regularizer=_regularizer(args.get("l1", 0.0), args.get("l2", 0.0)),
            name=name,
        )
    if kind == "Conv2D":
        return keras.layers.Conv2D(
            args["filters"], args["kernel_size"], activation=args.get("activation"), name=name
        )
    return getattr(keras.layers, kind)(name=name, **args)


def build_model(config: TrainingConfig) -> keras.Model:
    """A Sequential model following core.model_summary.plan_layers, so the two always agree."""
    layers = [_layer(name, kind, args) for name, kind, args in plan_layers(config)]
    return keras.Sequential([keras.Input(input_shape(config)), *layers], name="model")


def make_optimizer(config: TrainingConfig) -> keras.optimizers.Optimizer:
    """The optimizer; weight_decay > 0 is Keras' decoupled decay (Adam + it = AdamW)."""
    decay = config.weight_decay or None
    if config.optimizer == "sgd":
        return keras.optimizers.SGD(
            config.learning_rate,
            momentum=config.momentum,
            nesterov=config.nesterov,
            weight_decay=decay,
        )
    if config.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(config.learning_rate, weight_decay=decay)
    return keras.optimizers.Adam(config.learning_rate, weight_decay=decay)


def data_loss(config: TrainingConfig) -> keras.losses.Loss:
    if config.info.is_binary:
        return keras.losses.BinaryCrossentropy(name="data_loss")
    return keras.losses.SparseCategoricalCrossentropy(name="data_loss")


def compile_model(model: keras.Model, config: TrainingConfig, steps_per_execution: int = 1):
    """Compile; the data loss is also a metric, so the L1/L2 penalty can be split out."""
    model.compile(
        optimizer=make_optimizer(config),
        loss=data_loss(config),
        metrics=["accuracy", data_loss(config)],
        steps_per_execution=steps_per_execution,
    )
    return model
