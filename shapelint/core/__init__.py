"""What every stage shares: diagnostics, configuration, source reading and ``# noqa``, the rule
API and registry, symbolic shapes and the extracted IR.  Nothing here knows a framework."""
