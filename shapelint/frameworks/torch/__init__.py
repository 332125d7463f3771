"""PyTorch: the torch.nn catalog, module tracing with rank hypotheses, synthesis."""
