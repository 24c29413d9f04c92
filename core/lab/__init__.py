"""What a run is, TensorFlow-free: config, URL state, checks, summary, estimate, code, presets."""
