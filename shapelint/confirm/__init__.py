"""Confirmation: probes (programs written from literal configuration), the worker that runs
them on real TensorFlow / PyTorch, and verdicts."""
