"""Help texts of the Lab's regularization widgets, each pointing to its Concepts page."""

L1 = "Adds λΣ|w| over this layer's kernel to the loss (kernel_regularizer). See Concepts."
L2 = (
    "Adds λΣw² over this layer's kernel to the loss (kernel_regularizer=l2(λ)). With SGD this "
    "equals a weight decay of 2λ; with Adam it does not. See Concepts → Weight decay vs L2."
)
WEIGHT_DECAY = (
    "The optimizer's own weight decay (Keras `weight_decay=`): every step shrinks every "
    "trainable variable, biases included, by learning rate × λ, outside the gradient. Adam "
    "with weight decay is AdamW. Not a loss term: it does not appear in the loss. The per-layer "
    "L2 λ above is the loss term. See Concepts → Weight decay vs L2."
)


DROPOUT = (
    "Each unit is zeroed with probability p on every training pass, the kept ones scaled by "
    "1/(1 − p); off at evaluation. See Concepts → Dropout."
)
BATCHNORM = (
    "Normalizes each unit over the mini-batch, then scales by γ and shifts by β; evaluation "
    "uses running averages. See Concepts → Batch normalization."
)
MIN_DELTA = (
    "How much lower the monitored value must be to count as an improvement (0.0401 → 0.04001 "
    "is not one with min_delta 0.001). See Concepts → Early stopping."
)
