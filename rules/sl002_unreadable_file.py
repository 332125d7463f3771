from shapelint.core.rule import Rule

RULE = Rule(
    code="SL002",
    name="unreadable-file",
    summary="A path could not be linted: missing, unreadable, binary, undecodable or too large.",
    what="""
        Reports, at line 1 of the path, why a file could not be read as Python source: it does
        not exist, it cannot be opened, it contains NUL bytes, it is not valid in its declared
        encoding (PEP 263, UTF-8 by default), or it is larger than ``max-file-size``.
    """,
    why="""
        A file that is silently skipped is a file nobody checks.  The run goes on with the
        other files; ignore SL002 (``--ignore SL002``) if such files are expected.
    """,
)
