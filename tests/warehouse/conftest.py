import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import harness  # noqa: E402


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(why: str):
    """A missing engine fails in CI and skips elsewhere."""
    if in_ci():
        pytest.fail(f"{why} (CI=true: a missing engine is a failure)")
    pytest.skip(why)


@pytest.fixture(scope="session")
def signalsc():
    p = harness.signalsc_path()
    if not os.access(p, os.X_OK):
        unavailable(f"{p} is not built (make build)")
    return p


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("signals_wh")
