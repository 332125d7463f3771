from shapelint.core.fix import SAFE, FixPlan, ReplaceImportModule
from shapelint.core.rule import Message, Rule
from shapelint.frameworks.keras.evidence import AttributeMissing, ImportFails, ModelMethodMissing
from shapelint.frameworks.keras.removed import guarded_blocks, new_home, removed_imports
from shapelint.frameworks.keras.training import model_output
from shapelint.interp import syntax

# Model methods Keras 3 removed (tf_keras 2.21 still has the *_generator ones; predict_classes
# and predict_proba went in TensorFlow 2.6), and what replaces each.
GENERATOR_USE = ("model.{new}(...), which takes the generator or Sequence itself (a keras.utils.PyDataset "
                 "in Keras 3){args}")
REMOVED_METHODS = {"predict_classes", "predict_proba", "fit_generator", "evaluate_generator",
                   "predict_generator"}
# fit_generator arguments that Keras 3's fit does not take (they belong to keras.utils.PyDataset).
WORKER_ARGS = ("workers", "use_multiprocessing", "max_queue_size")


def _method_use(call) -> str:
    method = call.method
    if method == "predict_classes":
        output = model_output(call.model)
        shape = getattr(output, "shape", None)
        if shape and shape[-1] == 1:
            return '(model.predict(x) > 0.5).astype("int32") (one sigmoid unit)'
        if shape and isinstance(shape[-1], int):
            return "np.argmax(model.predict(x), axis=-1)"
        return ('np.argmax(model.predict(x), axis=-1) (softmax output), or (model.predict(x) > 0.5)'
                '.astype("int32") (one sigmoid unit)')
    if method == "predict_proba":
        return "model.predict(x), which returns the same probabilities"
    new = method[: -len("_generator")]
    passed = [a for a in WORKER_ARGS if a in call.kwargs]
    extra = (f"; drop {', '.join(a + '=' for a in passed)}, which fit no longer takes" if passed else "")
    return GENERATOR_USE.format(new=new, args=extra)


def _guarded_spans(ctx):
    """Source ranges of code written for both Keras versions (try/except, version tests)."""
    module = getattr(ctx.locator, "module", None)
    if module is None:
        return None
    spans = []
    for stmt, guarded in guarded_blocks(module):
        if guarded:
            spans.append((ctx.locator.start(stmt), ctx.locator.end(stmt)))
    return spans


def _attribute_call(call) -> bool:
    """``keras.layers.CuDNNLSTM(...)``: the removed name is an attribute in the call, not a name
    the file imported (that import is reported itself)."""
    last = call.removed.path.rsplit(".", 1)[-1]
    return last in syntax.dotted(call.node.func).split(".")[1:]


def _call_use(call) -> str:
    """``keras.layers.Dense`` for ``keras.layers.core.Dense(...)`` (a name Keras 3 has in the
    package the removed module's names moved to), else the table's words."""
    name = call.qualname.rsplit(".", 1)[-1]
    home = None if call.qualname.endswith("." + call.removed.path) else new_home(call.removed, call.qualname, (name,))
    return f"{home}.{name}" if home else call.removed.use


def check(ctx) -> None:
    if ctx.target_keras < 3:
        return
    module = getattr(ctx.locator, "module", None)
    if module is not None:
        for item in removed_imports(module):
            package = item.package()
            ctx.report(item.node,
                       Message.of("{what} was removed in Keras 3 (the import fails: {error}): use {use}",
                                  what=item.qualname, error=item.error, use=item.use()),
                       evidence=ImportFails(item.statement),
                       fix=FixPlan(f"Import from {package}", SAFE, ReplaceImportModule(item.node, package))
                       if package else None)
    calls = [c for c in ctx.analysis.api_calls if c.removed is not None and _attribute_call(c)]
    spans = _guarded_spans(ctx) if calls else []
    seen = set()
    for call in calls:
        start = ctx.locator.start(call.node)
        if id(call.node) in seen or spans is None or any(a <= start <= b for a, b in spans):
            continue
        seen.add(id(call.node))
        ctx.report(call.node.func,
                   Message.of("{what} was removed in Keras 3 (AttributeError): use {use}",
                              what=call.qualname, use=_call_use(call)),
                   evidence=AttributeMissing(call.qualname))
    for model_call in ctx.analysis.model_calls:
        if model_call.method not in REMOVED_METHODS or getattr(model_call.model, "keras", 2) < 3 \
                or id(model_call.node) in seen:
            continue
        seen.add(id(model_call.node))
        ctx.report(model_call.node,
                   Message.of("model.{method}() was removed in Keras 3 (AttributeError: the model has no "
                              "attribute '{method}'): use {use}", method=model_call.method,
                              use=_method_use(model_call)),
                   evidence=ModelMethodMissing((f"has no attribute '{model_call.method}'",), model_call.method))


RULE = Rule(
    code="SL302",
    name="keras3-removed-api",
    summary="A Keras 2 method, module or layer that Keras 3 removed; the message gives the replacement.",
    what="""
        With Keras 3 as the target (the default): ``model.predict_classes()``,
        ``model.predict_proba()``, ``model.fit_generator()`` / ``evaluate_generator()`` /
        ``predict_generator()`` on a model built in the file, and imports or calls of
        ``keras.layers.merge`` / ``Merge``, ``keras.utils.np_utils``,
        ``keras.wrappers.scikit_learn``, ``CuDNNLSTM`` / ``CuDNNGRU``, ``TimeDistributedDense``,
        ``keras.preprocessing.text`` (``Tokenizer``), the standalone
        ``keras.preprocessing.image.ImageDataGenerator``, and the Keras 1/2 module paths of old
        tutorials (``keras.layers.core``, ``.recurrent``, ``.convolutional``, ``.pooling``,
        ``.normalization``, ``.embeddings``, ``.wrappers``, ``.advanced_activations``,
        ``.noise``, ``.local``, ``.convolutional_recurrent``, ``.cudnn_recurrent``,
        ``.experimental``, ``keras.engine``, ``keras.objectives`` and ``keras.utils``'s
        ``vis_utils`` / ``generic_utils`` / ``data_utils`` / ``layer_utils`` / ``io_utils`` /
        ``conv_utils``; the model is still followed through them).  Each message says what to
        write instead: for a layer module, the same import from ``keras.layers``.  Still
        present, never reported: ``tf.keras.preprocessing.image.ImageDataGenerator`` and
        ``tf.keras.preprocessing.text.Tokenizer`` (TensorFlow 2.21 keeps them in
        ``tf.keras``), ``Convolution2D``, ``pad_sequences``, ``to_categorical``, ``load_img``.
        Imports inside ``try`` / ``except`` or under a version test are left alone.
    """,
    why="""
        Keras 3 (``keras`` 3, and ``tf.keras`` from TensorFlow 2.16 on) dropped these APIs:
        the import fails with ``ModuleNotFoundError`` / ``ImportError``, the model method with
        ``AttributeError: 'Sequential' object has no attribute 'predict_classes'``, so code
        written for Keras 2 stops at that line.
    """,
    notes="""
        Set ``target-keras = "2"`` (or ``--target-keras 2``) for code that runs on tf_keras /
        Keras 2; code imported from ``tf_keras`` is never reported.
    """,
    invalid=[
        """
        import numpy as np
        from keras.models import Sequential
        from keras.layers import Dense

        model = Sequential([Dense(3, activation="softmax", input_shape=(4,))])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        labels = model.predict_classes(np.zeros((2, 4)))  # expect: SL302
        """,
        """
        from keras.utils import np_utils  # expect: SL302

        y = np_utils.to_categorical([0, 1, 2], 3)
        """,
        """
        from keras.models import Sequential
        from keras.layers import CuDNNLSTM, Dense  # expect: SL302
        """,
        """
        from keras.models import Sequential
        from keras.layers.core import Dense, Dropout  # expect: SL302
        """,
    ],
    valid=[
        """
        import numpy as np
        from keras.models import Sequential
        from keras.layers import Dense

        model = Sequential([Dense(3, activation="softmax", input_shape=(4,))])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        labels = np.argmax(model.predict(np.zeros((2, 4))), axis=-1)
        """,
        """
        from keras.utils import to_categorical

        y = to_categorical([0, 1, 2], 3)
        """,
        """
        try:
            from keras.layers import CuDNNLSTM
        except ImportError:
            from keras.layers import LSTM as CuDNNLSTM
        """,
        """
        from keras.models import Sequential
        from keras.layers import Dense, Dropout
        """,
    ],
    check=check,
)
