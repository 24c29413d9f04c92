"""Lab widgets the Concepts pages explain (optimizer weight decay, min_delta), with their help."""

from __future__ import annotations

REGULARIZATION = (
    "**L1/L2 λ** add λΣ|w| / λΣw² over a layer's kernel (not its biases) to the loss; "
    "**dropout** zeroes each unit with probability p in training; **batch normalization** "
    "normalizes each unit over the mini-batch. See them work on the Concepts pages: "
    "Dropout, Batch normalization, L1 vs L2, Weight decay vs L2."
)
WEIGHT_DECAY = (
    "The optimizer's own weight decay (Keras `weight_decay=`): every step shrinks every "
    "trainable variable, biases included, by learning rate × λ, outside the gradient. Adam "
    "with weight decay is AdamW. Not a loss term: it does not appear in the loss. The per-layer "
    "L2 λ is the loss term. See Concepts → Weight decay vs L2."
)
MIN_DELTA = (
    "How much lower the monitored value must be to count as an improvement (0.0401 → 0.04001 "
    "is not one with min_delta 0.001). See Concepts → Early stopping."
)


def concept_widget(sb, name: str) -> None:
    """'note': what the regularization inputs do; 'wd': weight decay; 'esd': min_delta."""
    if name == "note":
        sb.caption(REGULARIZATION)
        return
    label, high, help_text = {
        "wd": ("Weight decay (optimizer; Adam + it = AdamW)", 1.0, WEIGHT_DECAY),
        "esd": ("min_delta", 10.0, MIN_DELTA),
    }[name]
    sb.number_input(label, 0.0, high, step=0.0005, format="%.4f", key=f"tl_{name}", help=help_text)
