"""Classes: an instructor's class code, its learners, their published runs and the live board."""
