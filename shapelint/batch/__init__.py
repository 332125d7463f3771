"""Many files at once: the process pool and the result cache."""
