"""The doors onto the engine: the command line, the flake8 plugin, the language server, and
what they render (formats, summary, hover facts, fixes)."""
