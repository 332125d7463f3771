from shapelint.core.rule import Rule

RULE = Rule(
    code="SL001",
    name="syntax-error",
    summary="The file cannot be parsed; shapelint reports where and goes on with the other files.",
    what="""
        Reports a file that mentions Keras or TensorFlow but is not valid Python, at the
        position where the parser stopped.  The rest of the run goes on.
    """,
    why="""
        Nothing in a file that does not parse can be checked.  Files that mention no framework
        are not parsed at all (that keeps shapelint fast), so their syntax errors are left to
        your other linters (flake8's E999, ruff).
    """,
    invalid=[
        """
        from keras.layers import Dense
        model.add(Dense(4)  # expect: SL001
        """,
    ],
    valid=[
        """
        from keras.layers import Dense
        model.add(Dense(4))
        """,
    ],
)
