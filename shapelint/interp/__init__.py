"""The abstract interpreter: walks a module's LibCST tree in order, binding names to abstract
values; frameworks plug their APIs into it."""
