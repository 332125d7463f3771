"""One module per rule; each defines ``RULE`` (see ``shapelint.rule``)."""
