import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools"))

import harness  # noqa: E402


@pytest.fixture(scope="session")
def signalsc():
    p = harness.signalsc_path()
    if not os.access(p, os.X_OK):
        pytest.skip(f"{p} is not built (make build)")
    return p


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("signals_it")
