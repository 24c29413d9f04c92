"""The layer table of a config's Keras model, computed without TensorFlow (like model.summary())."""

from __future__ import annotations

from dataclasses import dataclass

from core.lab.config import TrainingConfig

KERNEL, POOL = 3, 2


@dataclass(frozen=True)
class LayerRow:
    """One row of the summary: a Keras layer's name, class, output shape and parameters."""

    name: str
    kind: str
    output_shape: tuple[int, ...]
    params: int
    trainable: int
    flops: int  # multiply-adds ×2 for one sample's forward pass
    detail: str = ""

    @property
    def shape_text(self) -> str:
        return "(None, " + ", ".join(map(str, self.output_shape)) + ")"


@dataclass(frozen=True)
class Summary:
    rows: tuple[LayerRow, ...]

    @property
    def total_params(self) -> int:
        return sum(r.params for r in self.rows)

    @property
    def trainable_params(self) -> int:
        return sum(r.trainable for r in self.rows)

    @property
    def flops_per_sample(self) -> int:
        return sum(r.flops for r in self.rows)


def plan_layers(config: TrainingConfig) -> list[tuple[str, str, dict]]:
    """The model as (name, Keras class, arguments): the one plan both summary and builder follow."""
    info = config.info
    plan: list[tuple[str, str, dict]] = []
    before = config.batchnorm_position == "before"

    def block(
        index: int, kind: str, args: dict, activation: str, bn: bool, drop: float, pool=False
    ):
        name = "conv" if kind == "Conv2D" else "dense"
        plan.append(
            (f"{name}_{index}", kind, {**args, "activation": None if bn and before else activation})
        )
        if bn:
            plan.append((f"batch_norm_{name}_{index}", "BatchNormalization", {}))
            if before:
                plan.append(
                    (f"{activation}_{name}_{index}", "Activation", {"activation": activation})
                )
        if pool:
            plan.append((f"pool_{index}", "MaxPooling2D", {"pool_size": POOL}))
        if drop > 0:
            plan.append((f"dropout_{name}_{index}", "Dropout", {"rate": drop}))

    if config.is_cnn:
        for i, filters in enumerate(config.conv_filters, start=1):
            block(
                i,
                "Conv2D",
                {"filters": filters, "kernel_size": KERNEL},
                "relu",
                config.conv_batchnorm,
                config.conv_dropout,
                pool=True,
            )
    if info.image_shape is not None:
        plan.append(("flatten", "Flatten", {}))
    for i, layer in enumerate(config.layers(), start=1):
        args = {"units": layer.units, "l1": layer.l1, "l2": layer.l2}
        block(i, "Dense", args, layer.activation, layer.batchnorm, layer.dropout)
    out_units = 1 if info.is_binary else info.n_classes
    out_activation = "sigmoid" if info.is_binary else "softmax"
    plan.append(("output", "Dense", {"units": out_units, "activation": out_activation}))
    return plan


SPARSE_MAX_UNITS = 64  # wider first layers train faster on dense batches (bench/course_speed.py)


def sparse_input(config: TrainingConfig) -> bool:
    """Multi-hot text reaches the model as a sparse batch (see SparseInputDense) when its first
    layer is narrow: IMDB 16-16 trains ~2× faster so, while TensorFlow's sparse kernels make
    a 512-wide first layer slower than one dense product (crossing near 64-128 units)."""
    if config.info.kind != "text":
        return False
    first = plan_layers(config)[0]
    return first[1] == "Dense" and first[2]["units"] <= SPARSE_MAX_UNITS


def input_shape(config: TrainingConfig) -> tuple[int, ...]:
    info = config.info
    return info.image_shape if info.image_shape else (info.input_dim(config.vocabulary),)


def summarize(config: TrainingConfig) -> Summary:
    """Rows with output shapes and parameter counts equal to Keras' model.summary()."""
    shape = input_shape(config)
    rows = []
    for name, kind, args in plan_layers(config):
        params, flops, trainable = 0, 0, None
        detail = ""
        if kind == "Dense":
            fan_in, units = shape[-1], args["units"]
            params, flops, shape = fan_in * units + units, 2 * fan_in * units, (units,)
            detail = ", ".join(
                part
                for part in (
                    args.get("activation") or "linear",
                    f"L1 {args['l1']:g}" if args.get("l1") else "",
                    f"L2 {args['l2']:g}" if args.get("l2") else "",
                )
                if part
            )
        elif kind == "Conv2D":
            h, w, c = shape
            f = args["filters"]
            oh, ow = h - KERNEL + 1, w - KERNEL + 1
            params = KERNEL * KERNEL * c * f + f
            flops = 2 * KERNEL * KERNEL * c * f * max(oh, 0) * max(ow, 0)
            shape, detail = (oh, ow, f), f"{KERNEL}×{KERNEL}, {args['activation'] or 'linear'}"
        elif kind == "MaxPooling2D":
            h, w, c = shape
            shape = (h // POOL, w // POOL, c)
        elif kind == "BatchNormalization":
            params, trainable = 4 * shape[-1], 2 * shape[-1]
        elif kind == "Flatten":
            size = 1
            for dim in shape:
                size *= dim
            shape = (size,)
        elif kind == "Dropout":
            detail = f"p = {args['rate']:g}"
        elif kind == "Activation":
            detail = args["activation"]
        rows.append(
            LayerRow(
                name, kind, shape, params, params if trainable is None else trainable, flops, detail
            )
        )
    return Summary(tuple(rows))


def shape_problem(config: TrainingConfig) -> str | None:
    """A message when conv blocks shrink the image to nothing."""
    for row in summarize(config).rows:
        if any(dim < 1 for dim in row.output_shape):
            h, w, _ = config.info.image_shape
            return (
                f"{len(config.conv_filters)} conv blocks shrink a {h}×{w} image to nothing "
                f"(each 3×3 conv takes 2 pixels, each 2×2 pool halves). Use fewer conv blocks."
            )
    return None
