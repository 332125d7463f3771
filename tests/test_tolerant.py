"""Tolerant parsing: the lines Python rejects are replaced, line numbers kept, and names they
may have changed become unknown (never a guessed value)."""
import ast

from shapelint.core.tolerant import UNKNOWN_NAME, repair


def _parses(text):
    ast.parse(text)
    return True


def test_ipython_lines_and_python2_print_are_blanked_keeping_line_numbers():
    source = "%matplotlib inline\n!pip install keras\nimport numpy as np\nprint np.zeros(3)\nx = 1\n"
    fixed = repair(source)
    assert fixed.lines == [1, 2, 4] and _parses(fixed.text)
    assert fixed.text.splitlines() == ["", "", "import numpy as np", "", "x = 1"]
    assert fixed.errors[0][0] == 1


def test_a_broken_assignment_makes_its_names_unknown():
    source = "import numpy as np\nX = np.zeros((10, 5))\nX = np.reshape(X, (10, 5, 1)\ny = 2\n"
    fixed = repair(source)
    assert _parses(fixed.text) and fixed.lines == [3]
    # X may have changed: unknown from here on; np is a module the line only uses.
    assert fixed.text.splitlines()[2] == f"X = {UNKNOWN_NAME}"


def test_a_broken_line_that_assigns_an_imported_name_makes_it_unknown():
    fixed = repair("from keras import layers\nlayers.LSTM = MyLSTM(\nx = 1\n")
    assert fixed.text.splitlines()[1] == f"layers = MyLSTM = {UNKNOWN_NAME}"


def test_prose_inside_a_block_keeps_the_block():
    source = "for i in range(3):\n    this line is prose\n    x = i\n"
    fixed = repair(source)
    assert _parses(fixed.text) and fixed.text.splitlines()[1].startswith("    this = line")


def test_a_dangling_indent_is_removed():
    source = "x = 1\n    y = 2\nz = 3\n"
    fixed = repair(source)
    assert _parses(fixed.text) and fixed.lines == [2]


def test_valid_code_and_hopeless_code_are_left_alone():
    assert repair("x = 1\n") is None
    assert repair("this is prose\n" * 30) is None  # more broken lines than MAX_REPAIRS


def test_a_pasted_function_that_lost_its_indentation_runs_as_module_code():
    source = ("import tensorflow as tf\ndef build_model(vocab_size, units):\n"
              "model = tf.keras.Sequential([tf.keras.layers.Embedding(vocab_size, 8)])\nreturn model\n")
    fixed = repair(source)
    assert fixed is not None and _parses(fixed.text)
    lines = fixed.text.splitlines()
    assert lines[1] == f"build_model = vocab_size = units = {UNKNOWN_NAME}" and lines[2].startswith("model = ")
    assert lines[3] == ""  # the return only leaves the function: the model stays known
