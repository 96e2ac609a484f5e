"""Per-id statuses from real pytest runs: pytest 7.2 in a container, and the host's pytest for newer formats."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harvester.junit import mangle, parse_junit, statuses
from harvester.testrun import PYTEST, prepare, run_pytest, run_tests
from sandbox import Sandbox

RUN = "test-testrun"
SUITE = {
    "tests/test_a.py": '''\
import pytest


def test_pass():
    pass


def test_fail():
    assert 0


@pytest.mark.parametrize("x", ["a::b", "c/d.py", "e[f]", 1.5, "sp ace"])
def test_param(x):
    assert x != 1.5


class TestK:
    def test_m(self):
        pass

    class TestInner:
        def test_n(self):
            pass


@pytest.mark.skip
def test_skip():
    pass


@pytest.mark.xfail
def test_xfail():
    assert 0


@pytest.mark.xfail
def test_xpass():
    pass


@pytest.mark.xfail(strict=True)
def test_xpass_strict():
    pass


@pytest.fixture
def broken():
    raise RuntimeError("setup")


def test_setup_error(broken):
    pass


@pytest.fixture
def bad_teardown():
    yield
    raise RuntimeError("teardown")


def test_fail_then_teardown_error(bad_teardown):
    assert 0
''',
    "tests/test_same.py": "def test_m():\n    pass\n",
    "tests/sub/test_broken.py": "import no_such_module\n\n\ndef test_x():\n    pass\n",
}
EXPECTED = {
    "tests/test_a.py::test_pass": "passed",
    "tests/test_a.py::test_fail": "failed",
    "tests/test_a.py::test_param[a::b]": "passed",
    "tests/test_a.py::test_param[c/d.py]": "passed",
    "tests/test_a.py::test_param[e[f]]": "passed",
    "tests/test_a.py::test_param[1.5]": "failed",
    "tests/test_a.py::test_param[sp ace]": "passed",
    "tests/test_a.py::TestK::test_m": "passed",
    "tests/test_a.py::TestK::TestInner::test_n": "passed",
    "tests/test_a.py::test_skip": "skipped",
    "tests/test_a.py::test_xfail": "xfailed",
    "tests/test_a.py::test_xpass": "xpassed",
    "tests/test_a.py::test_xpass_strict": "failed",
    "tests/test_a.py::test_setup_error": "error",
    "tests/test_a.py::test_fail_then_teardown_error": "error",
    "tests/test_same.py::test_m": "passed",
    "tests/sub/test_broken.py::test_x": "error",
    "tests/test_a.py::test_not_there": "missing",
    "tests/test_gone.py::test_q": "missing",
}


def write_suite(root: Path) -> None:
    for path, text in SUITE.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


@pytest.fixture(scope="module")
def box(base_image):
    with Sandbox.start(base_image, {"harvester.run": RUN}) as sandbox:
        sandbox.exec("mkdir -p /repo && cd /repo && git init -q && git commit -q --allow-empty -m base", workdir="/")
        yield sandbox


def test_mangle_matches_what_pytest_writes():
    assert mangle("tests/test_a.py::TestK::TestInner::test_n") == ("tests.test_a.TestK.TestInner", "test_n")
    assert mangle("tests/test_a.py::test_param[a::b/c.py]") == ("tests.test_a", "test_param[a::b/c.py]")
    assert mangle("test_top.py::test_x") == ("test_top", "test_x")


def test_every_outcome_maps_back_to_its_node_id_in_a_container(box):
    files = {path: text.encode() for path, text in SUITE.items()}
    result = run_tests(box, list(EXPECTED), 120, extra_files=files)
    assert result.statuses == EXPECTED
    assert (result.exit_code, result.timed_out, result.oom, result.setup_error) == (1, False, False, None)
    assert "XPASS tests/test_a.py::test_xpass" in result.output_tail
    assert result.failing() == [i for i, s in EXPECTED.items() if s != "passed"]


def test_the_same_mapping_with_the_hosts_newer_pytest(tmp_path):
    write_suite(tmp_path)
    files = sorted({node_id.split("::")[0] for node_id in EXPECTED if (tmp_path / node_id.split("::")[0]).exists()})
    argv = [sys.executable, *PYTEST[1:]]
    argv = [arg.replace("/tmp/junit.xml", str(tmp_path / "junit.xml")) for arg in argv]
    done = subprocess.run(argv + files, cwd=tmp_path, capture_output=True, text=True)
    cases = parse_junit((tmp_path / "junit.xml").read_bytes())
    xpassed = {"tests/test_a.py::test_xpass"} if "XPASS tests/test_a.py::test_xpass" in done.stdout else set()
    assert xpassed and statuses(list(EXPECTED), cases, xpassed) == EXPECTED


def test_a_patch_that_does_not_apply_is_data(box):
    missing = "--- a/nope.py\n+++ b/nope.py\n@@ -1 +1 @@\n-x\n+y\n"
    result = run_tests(box, ["tests/test_same.py::test_m"], 60, patches=[missing])
    assert result.statuses == {"tests/test_same.py::test_m": "missing"}
    assert result.setup_error.startswith("patch 1 of 1 does not apply: ") and result.exit_code == -1


def test_patches_apply_after_files_and_a_hung_run_times_out(box):
    patch = ("diff --git a/tests/test_slow.py b/tests/test_slow.py\n--- a/tests/test_slow.py\n"
             "+++ b/tests/test_slow.py\n@@ -1,2 +1,2 @@\n-DELAY = 0\n+DELAY = 60\n import time\n")
    slow = b"DELAY = 0\nimport time\n\n\ndef test_slow():\n    time.sleep(DELAY)\n"
    assert prepare(box, {"tests/test_slow.py": slow}, [patch]) is None
    result = run_pytest(box, ["tests/test_slow.py::test_slow"], 4)
    assert result.timed_out and result.statuses == {"tests/test_slow.py::test_slow": "missing"}


def test_malformed_xml_is_a_value_error():
    with pytest.raises(ValueError, match="malformed JUnit XML"):
        parse_junit(b"<testsuites><testcase")
