"""Per-test statuses from a real JUnit report (the host's pytest), mapped back to the listed node ids."""

from __future__ import annotations

import subprocess
import sys

import pytest

from harvester.junit import mangle, parse_junit, statuses
from harvester.testrun import PYTEST

FILES = {
    "tests/__init__.py": "",
    "tests/mixin.py": "class Base:\n    def test_inherited(self):\n        assert True\n",
    "tests/test_child.py": "from tests.mixin import Base\n\n\nclass TestChild(Base):\n    pass\n",
    "tests/test_mix.py": '''import pytest


@pytest.fixture
def broken_setup():
    raise RuntimeError("setup")


@pytest.fixture
def broken_teardown():
    yield
    raise RuntimeError("teardown")


def test_pass():
    pass


def test_fail():
    assert False


def test_setup_error(broken_setup):
    pass


def test_teardown_error(broken_teardown):
    pass


@pytest.mark.skip(reason="no")
def test_skip():
    pass


@pytest.mark.xfail(reason="known")
def test_xfail():
    assert False


@pytest.mark.parametrize("value", ["a::b", "x-y", "\u00e9", "[1]"])
def test_param(value):
    assert value != "x-y"


class TestOuter:
    class TestInner:
        def test_deep(self):
            pass
''',
    "tests/test_broken.py": "import not_a_module\n\n\ndef test_never():\n    pass\n",
    "tests/test_skipped_module.py": "import pytest\n\npytest.skip('off', allow_module_level=True)\n\n\n"
                                    "def test_off():\n    pass\n",
}
EXPECTED = {
    "tests/test_mix.py::test_pass": "passed",
    "tests/test_mix.py::test_fail": "failed",
    "tests/test_mix.py::test_setup_error": "error",
    "tests/test_mix.py::test_teardown_error": "error",
    "tests/test_mix.py::test_skip": "skipped",
    "tests/test_mix.py::test_xfail": "xfailed",
    "tests/test_mix.py::test_param[a::b]": "passed",
    "tests/test_mix.py::test_param[x-y]": "failed",
    "tests/test_mix.py::test_param[\\xe9]": "passed",
    "tests/test_mix.py::test_param[[1]]": "passed",
    "tests/test_mix.py::TestOuter::TestInner::test_deep": "passed",
    "tests/test_child.py::TestChild::test_inherited": "passed",
    "tests/test_broken.py::test_never": "error",
    "tests/test_skipped_module.py::test_off": "skipped",
    "tests/test_mix.py::test_not_there": "missing",
    "tests/test_absent.py::test_x": "missing",
}


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> bytes:
    root = tmp_path_factory.mktemp("junit")
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    junit = root / "junit.xml"
    flags = [f"--junitxml={junit}" if f.startswith("--junitxml=") else f for f in PYTEST[1:]]
    files = sorted({i.split("::")[0] for i in EXPECTED if (root / i.split("::")[0]).exists()})
    subprocess.run([sys.executable, *flags, *files], cwd=root, capture_output=True, timeout=120)
    return junit.read_bytes()


@pytest.mark.parametrize("node_id", list(EXPECTED))
def test_status_of_each_listed_id(report, node_id):
    assert statuses(list(EXPECTED), parse_junit(report))[node_id] == EXPECTED[node_id]


def test_xpassed_ids_are_told_apart_from_passes(report):
    result = statuses(["tests/test_mix.py::test_pass"], parse_junit(report), xpassed={"tests/test_mix.py::test_pass"})
    assert result == {"tests/test_mix.py::test_pass": "xpassed"}


def test_mangle_matches_pytest():
    assert mangle("tests/test_mix.py::TestOuter::TestInner::test_deep") == ("tests.test_mix.TestOuter.TestInner",
                                                                          "test_deep")
    assert mangle("a/b.py::test_x[p.y::z]") == ("a.b", "test_x[p.y::z]")


def test_malformed_report_is_a_value_error():
    with pytest.raises(ValueError, match="malformed JUnit XML"):
        parse_junit(b"<testsuites><testcase")
