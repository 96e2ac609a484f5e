import pytest

from taskgraph import Graph


@pytest.fixture
def build():
    """A small build pipeline: two compile steps feed a link, which feeds tests and docs feed a package."""
    return Graph.from_dict(
        {
            "fetch": (2, []),
            "compile_core": (4, ["fetch"]),
            "compile_ui": (3, ["fetch"]),
            "link": (2, ["compile_core", "compile_ui"]),
            "docs": (1, ["fetch"]),
            "test": (5, ["link"]),
            "package": (1, ["test", "docs"]),
        }
    )
