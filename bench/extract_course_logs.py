"""Extract the training logs the course notes print into assets/course_logs.csv.

Run: python bench/extract_course_logs.py [--seeds ../shared/seeds]
Each run is named here with the seed file and the line of its "Epoch 1/N"; every number is
read from the log (Keras prints `name: value` pairs after each "Epoch k/N"), and each CSV row
says where it comes from, so a reader can check it against the notes.
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = {  # run name -> (seed file prefix, line of "Epoch 1/N", legend label, what it is)
    "imdb_16_16": ("001", 231, "IMDB 16-16", "IMDB 16-16, RMSprop, batch 512, first 10k validate"),
    "kfold_final": (
        "001",
        596,
        "K-fold final",
        "K-fold final model, 1,000 IMDB reviews, 11 epochs",
    ),
    "imdb_4_4": ("001", 748, "IMDB 4-4", "IMDB 4-4 (smaller model), validation_split=0.4"),
    "imdb_512_512": ("001", 788, "IMDB 512-512", "IMDB 512-512 (larger), validation_split=0.4"),
    "mnist_cnn_plain": ("003", 601, "MNIST CNN", "MNIST CNN 32-64 / 64, Adam 1e-3, batch 32"),
    "mnist_cnn_dropout": ("003", 1063, "MNIST CNN dropout", "MNIST CNN, Dropout .25 / .25 / .5"),
    "mnist_cnn_bn": ("003", 1152, "MNIST CNN BN", "MNIST CNN with batch normalization"),
}
METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")
PAIR = re.compile(r"\b(val_loss|val_accuracy|loss|accuracy): ([0-9.]+)")
EPOCH = re.compile(r"^Epoch (\d+)/(\d+)")
CODE = re.compile(r"^\s*(\[\d+\]:|#|[A-Za-z_][\w.]*\s*=|[A-Za-z_][\w.]*\()")


def read_run(lines: list[str], start: int) -> list[dict]:
    """Epochs from the 'Epoch 1/N' at 1-based line `start` to 'Epoch N/N' and its metrics."""
    rows: list[dict] = []
    for number, line in enumerate(lines[start - 1 :], start=start):
        match = EPOCH.match(line.strip())
        if match:
            epoch = int(match[1])
            if rows and epoch <= rows[-1]["epoch"]:
                break  # the next run's log
            rows.append({"epoch": epoch, "line": number})
            continue
        if rows and CODE.match(line):
            break  # the notebook's next cell: the log ended
        if rows:
            for name, value in PAIR.findall(line):
                rows[-1].setdefault(name, value.rstrip("."))
    return [r for r in rows if "loss" in r]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default=str(ROOT.parent / "shared" / "seeds"))
    args = parser.parse_args()
    seeds = {p.name[:3]: p for p in Path(args.seeds).glob("*.txt")}
    out = ROOT / "assets" / "course_logs.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["run", "epoch", *METRICS, "source", "label", "what"])
        for run, (prefix, start, label, what) in RUNS.items():
            lines = seeds[prefix].read_text(encoding="utf-8").splitlines()
            for row in read_run(lines, start):
                values = [row.get(m, "") for m in METRICS]
                source = f"{seeds[prefix].name}:{row['line']}"
                writer.writerow([run, row["epoch"], *values, source, label, what])
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
