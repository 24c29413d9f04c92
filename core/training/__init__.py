"""Where training runs: the only package that imports TensorFlow (in worker processes only)."""
