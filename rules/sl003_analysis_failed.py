from shapelint.core.rule import Rule

# A `+` chain past the nesting cost that LibCST's parser survives (shapelint.core.files).
_LONG_CHAIN = " + ".join(["1"] * 1002)

RULE = Rule(
    code="SL003",
    name="analysis-failed",
    summary="A file could not be analysed (too deeply nested, or shapelint failed on it); "
            "the other files are checked.",
    what="""
        Reports, at the place it concerns (or line 1), a file that shapelint parsed or tried to
        parse but could not analyse: an expression nested or chained so deeply that the parser
        would crash (measured before parsing), a ``RecursionError`` or ``MemoryError``, a bug in
        shapelint, or a worker process that died on the file.  The message gives the reason.
        The rest of the run goes on: every other file's findings are reported as usual, and the
        exit code follows the findings.
    """,
    why="""
        A file that is silently skipped is a file nobody checks, and one file must never cost
        the findings of all the others.  Nesting that deep is usually generated code; ignore
        SL003 for it (``per-file-ignores``).  Any other reason is a shapelint bug: please report
        it with the file.
    """,
    notes="""
        More than 200 nested brackets is a syntax error for Python itself, reported as SL001.
    """,
    invalid=[
        "import keras\n\ntotal = " + _LONG_CHAIN + "  # expect: SL003\n",
    ],
    valid=[
        """
        import keras

        total = sum([1] * 1002)
        """,
    ],
)
