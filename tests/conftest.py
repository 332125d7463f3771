import os

import pytest

# A shape function of the Keras catalog that trips over an argument (a TypeError) is a bug in
# its entry: users get silence, the tests get the error (catalog.apply_output).
os.environ["SHAPELINT_STRICT"] = "1"


@pytest.fixture(autouse=True, scope="session")
def _private_verdict_cache(tmp_path_factory):
    """Tests (and the shapelint processes they start) share one verdict cache of their own."""
    os.environ["SHAPELINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("verdicts"))
    yield
