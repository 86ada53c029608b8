"""The fault suite (marker `faults`): the real processes, broken on purpose (tests/faults/stack.py)."""

import pytest

from .stack import Stack


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/faults/" in str(item.path):
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("faults"))
    try:
        stack.start()
        yield stack
    finally:
        stack.remove()
