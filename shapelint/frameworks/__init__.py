"""Framework knowledge: Keras (``keras/``), PyTorch (``torch/``) and data pipelines (``data/``):
layer catalogs, shape propagation and the programs that confirm findings."""
