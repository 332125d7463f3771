import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_verdict_cache(tmp_path_factory):
    """Tests (and the shapelint processes they start) share one verdict cache of their own."""
    os.environ["SHAPELINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("verdicts"))
    yield
