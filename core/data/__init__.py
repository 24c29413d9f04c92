"""Datasets: the embedded ones, the course's (read with NumPy), splits and compact features."""
