"""Numerics for the course CNN: float32 vs mixed bfloat16, oneDNN on vs off; speed and accuracy.

Run: python bench/numerics.py --data-dir ../shared/data/keras-datasets [--epochs 3]
Each setting trains the course's MNIST CNN (Adam, batch 32) on 6,000 training images in a
fresh process (oneDNN is chosen before TensorFlow loads), with all cores, and prints ms per
step (after the first epoch) and the validation accuracy on the last 10,000 images. The lab
adopts a setting only if it is faster and keeps accuracy within 0.3 points of float32.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {  # name: (TF_ENABLE_ONEDNN_OPTS, Keras dtype policy)
    "float32, oneDNN on (default)": ("1", "float32"),
    "float32, oneDNN off": ("0", "float32"),
    "mixed bfloat16, oneDNN on": ("1", "mixed_bfloat16"),
}

CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
import keras, numpy as np
from core.data.course_data import load_raw
keras.mixed_precision.set_global_policy({policy!r})
x, y, _, _ = load_raw("mnist", data_dir={data_dir!r})
x = x.reshape(-1, 28, 28, 1).astype("float32") / 255.0
layers = keras.layers
keras.utils.set_random_seed(0)
model = keras.Sequential([
    keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
    layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(), layers.Flatten(),
    layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax", dtype="float32"),
])
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"],
              steps_per_execution=32)
model.fit(x[:6000], y[:6000], batch_size=32, epochs=1, verbose=0)
started = time.perf_counter()
model.fit(x[:6000], y[:6000], batch_size=32, epochs={epochs}, verbose=0)
step = (time.perf_counter() - started) / ({epochs} * 188)
accuracy = model.evaluate(x[50000:], y[50000:], verbose=0)[1]
print(json.dumps({{"ms": step * 1000, "accuracy": accuracy}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("REGLAB_DATA_DIR"))
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs after the first")
    args = parser.parse_args()
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    bf16 = any(f in flags for f in ("avx512_bf16", "amx_bf16"))
    print(f"{os.cpu_count()} cores; CPU has bfloat16 instructions: {'yes' if bf16 else 'no'}")
    print("| setting | ms / step | val accuracy |")
    print("|---|---|---|")
    base = None
    for name, (onednn, policy) in SETTINGS.items():
        code = CHILD.format(
            root=str(ROOT), policy=policy, data_dir=args.data_dir, epochs=args.epochs
        )
        env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": onednn, "TF_CPP_MIN_LOG_LEVEL": "3"}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        base = base or result
        speedup = base["ms"] / result["ms"]
        points = (result["accuracy"] - base["accuracy"]) * 100
        print(
            f"| {name} | {result['ms']:.1f} ({speedup:.2f}×) "
            f"| {result['accuracy'] * 100:.2f} % ({points:+.2f}) |",
            flush=True,
        )


if __name__ == "__main__":
    main()
