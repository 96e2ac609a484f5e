import shutil
import subprocess
from pathlib import Path

import pytest

from harvester.task import (
    Environment,
    TaskError,
    content_hash,
    discover,
    env_hash,
    hidden_files,
    load_task,
    materialize_repo,
    read_solution,
    read_test_patch,
)

TASK_REPOS = Path(__file__).resolve().parents[1] / "task_repos"
REAL_TASK = "inikit-escaped-quote-comment"

BUG_PATCH = """\
diff --git a/demo/core.py b/demo/core.py
--- a/demo/core.py
+++ b/demo/core.py
@@ -1,2 +1,2 @@
 def double(x):
-    return 2 * x
+    return 2 + x
"""
SOLUTION = BUG_PATCH.replace("-    return 2 * x\n+    return 2 + x", "-    return 2 + x\n+    return 2 * x")
VALID_TOML = """\
id = "demo-double"
statement = "double(3) returns 5"
project = "demo"
fail_to_pass = ["tests/test_hidden.py::test_double"]
pass_to_pass = ["tests/test_core.py::test_zero"]

[environment]
dependencies = ["attrs==23.2.0"]
"""


def make_task(root, toml=VALID_TOML, task_id="demo-double"):
    """A task_repos folder with one project and one task; returns the task dir."""
    project = root / "projects" / "demo"
    (project / "demo").mkdir(parents=True, exist_ok=True)
    (project / "tests").mkdir(exist_ok=True)
    (project / "demo" / "__init__.py").write_text("")
    (project / "demo" / "core.py").write_text("def double(x):\n    return 2 * x\n")
    (project / "tests" / "test_core.py").write_text("from demo.core import double\n\ndef test_zero():\n    assert double(0) == 0\n")
    task = root / task_id
    (task / "hidden" / "tests").mkdir(parents=True)
    (task / "hidden" / "tests" / "test_hidden.py").write_text("def test_double():\n    pass\n")
    (task / "bug.patch").write_text(BUG_PATCH)
    (task / "solution.patch").write_text(SOLUTION)
    (task / "task.toml").write_text(toml)
    return task


def load_error(task_dir):
    with pytest.raises(TaskError) as info:
        load_task(task_dir)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{task_dir / 'task.toml'}: ")
    return message


def test_valid_task_gets_defaults_and_its_root(tmp_path):
    task = load_task(make_task(tmp_path))
    assert task.kind == "single-site"
    assert task.test_command == "python -m pytest -q"
    assert (task.bug_patch, task.solution, task.hidden_tests) == ("bug.patch", "solution.patch", "hidden")
    assert task.environment.python == "3.11"
    assert task.limits.test_timeout_s == 120
    assert task.root == tmp_path / "demo-double"
    assert "root" not in task.model_dump()


@pytest.mark.parametrize(
    "old, new, field, words",
    [
        ('fail_to_pass = ["tests/test_hidden.py::test_double"]', 'fail_to_pass = "tests/test_hidden.py::test_double"',
         "fail_to_pass", "valid list"),
        ('statement = "double(3) returns 5"\n', "", "statement", "missing required field"),
        ('project = "demo"', 'project = "demo"\nowner = "me"', "owner", "unknown key"),
        ("[environment]", "[environment]\npython = 3.11", "environment.python", "valid string"),
        ("[environment]", "[environment]\nimage = 'x'", "environment.image", "unknown key"),
        ('fail_to_pass = ["tests/test_hidden.py::test_double"]', "fail_to_pass = []", "fail_to_pass", "at least 1"),
        ('statement = "double(3) returns 5"', 'statement = "x"\nkind = "refactor"', "kind", "single-site"),
        ('project = "demo"', 'project = "demo"\nroot = "/etc"', "root", "unknown key"),
        ('id = "demo-double"', 'id = "other-id"', "id", "directory name"),
        ('project = "demo"', 'project = "nope"', "project", "no project 'nope'"),
        ('project = "demo"', 'project = "demo"\nsolution = "fix.patch"', "solution", "file not found"),
        ('project = "demo"', 'project = "demo"\nbug_patch = "../bug.patch"', "bug_patch", "inside the task directory"),
        ('pass_to_pass = ["tests/test_core.py::test_zero"]', 'pass_to_pass = ["tests/test_hidden.py::test_double"]',
         "pass_to_pass", "also listed in fail_to_pass"),
    ],
)
def test_malformed_task_toml_names_file_and_field(tmp_path, old, new, field, words):
    assert old in VALID_TOML
    message = load_error(make_task(tmp_path, VALID_TOML.replace(old, new)))
    assert f"field '{field}'" in message
    assert words in message


def test_invalid_toml_reports_the_line(tmp_path):
    message = load_error(make_task(tmp_path, VALID_TOML.replace('project = "demo"', "project = ")))
    assert "invalid TOML" in message and "line 3" in message


def test_missing_bug_patch_and_both_repo_and_project(tmp_path):
    task_dir = make_task(tmp_path)
    (task_dir / "bug.patch").unlink()
    assert "field 'bug_patch': file not found" in load_error(task_dir)
    (task_dir / "repo").mkdir()
    assert "field 'project'" in load_error(task_dir)


def test_repo_task_without_project_materializes_the_repo(tmp_path):
    task_dir = make_task(tmp_path, VALID_TOML.replace('project = "demo"\n', ""))
    shutil.copytree(tmp_path / "projects" / "demo", task_dir / "repo")
    (task_dir / "repo" / "demo" / "__pycache__").mkdir()
    (task_dir / "repo" / "demo" / "__pycache__" / "core.cpython-311.pyc").write_bytes(b"\0")
    task = load_task(task_dir)
    materialize_repo(task, tmp_path / "out")
    assert (tmp_path / "out" / "demo" / "core.py").read_text() == "def double(x):\n    return 2 * x\n"
    assert not (tmp_path / "out" / "demo" / "__pycache__").exists()


def test_materialize_applies_the_bug_even_inside_another_git_repo(tmp_path):
    task = load_task(make_task(tmp_path / "task_repos"))
    outer = tmp_path / "outer"
    outer.mkdir()
    subprocess.run(["git", "init", "-q", str(outer)], check=True)
    dest = outer / "work" / "repo"
    materialize_repo(task, dest)
    assert (dest / "demo" / "core.py").read_text() == "def double(x):\n    return 2 + x\n"
    assert not (dest / ".git").exists()


def test_broken_bug_patch_is_reported(tmp_path):
    task_dir = make_task(tmp_path)
    (task_dir / "bug.patch").write_text(BUG_PATCH.replace("return 2 * x", "return 3 * x"))
    with pytest.raises(TaskError, match="field 'bug_patch': git apply failed"):
        materialize_repo(load_task(task_dir), tmp_path / "out")


def test_hidden_files_solution_and_test_patch(tmp_path):
    task = load_task(make_task(tmp_path))
    assert hidden_files(task) == {"tests/test_hidden.py": b"def test_double():\n    pass\n"}
    assert read_solution(task) == SOLUTION
    assert read_test_patch(task) is None


def test_content_hash_is_stable_and_follows_every_input(tmp_path):
    first = load_task(make_task(tmp_path / "a"))
    second = load_task(make_task(tmp_path / "b"))
    assert content_hash(first) == content_hash(second)
    assert len(content_hash(first)) == 16
    (second.root / "hidden" / "tests" / "test_hidden.py").write_text("def test_double():\n    assert True\n")
    assert content_hash(first) != content_hash(second)
    before = content_hash(first)
    (tmp_path / "a" / "projects" / "demo" / "demo" / "core.py").write_text("def double(x):\n    return x * 2\n")
    assert content_hash(first) != before


def test_env_hash_depends_only_on_the_environment():
    base = Environment(dependencies=["python-dateutil==2.9.0.post0"])
    assert env_hash(base) == env_hash(Environment(dependencies=["python-dateutil==2.9.0.post0"]))
    assert env_hash(base) != env_hash(Environment())
    assert env_hash(base) != env_hash(Environment(dependencies=base.dependencies, setup=["true"]))


def test_discover_missing_path_is_an_error(tmp_path):
    with pytest.raises(TaskError, match="nowhere"):
        discover([tmp_path / "nowhere"])


def test_discover_accepts_task_dirs_and_dirs_of_tasks(tmp_path):
    task_dir = make_task(tmp_path)
    make_task(tmp_path, VALID_TOML.replace("demo-double", "demo-again"), task_id="demo-again")
    assert [task.id for task in discover([tmp_path])] == ["demo-again", "demo-double"]
    assert [task.id for task in discover([task_dir, tmp_path])] == ["demo-again", "demo-double"]


def test_discover_real_task_repos():
    tasks = discover([TASK_REPOS])
    ids = [task.id for task in tasks]
    assert ids == sorted(ids)
    assert REAL_TASK in ids
    mine = [task for task in tasks if task.project in {"inikit", "ttlcache", "moneyrange"}]
    assert len(mine) == 13
    assert {task.kind for task in mine} == {"single-site", "multi-site", "edge-case", "feature"}


def test_materialized_real_task_has_no_hidden_tests_or_solution(tmp_path):
    task = load_task(TASK_REPOS / REAL_TASK)
    dest = tmp_path / "repo"
    materialize_repo(task, dest)
    files = {path.relative_to(dest).as_posix() for path in dest.rglob("*") if path.is_file()}
    assert "inikit/values.py" in files and "tests/test_parse.py" in files
    assert not set(hidden_files(task)) & files
    assert not any(name.endswith((".patch", ".toml")) and "pyproject" not in name for name in files)
    assert not any("__pycache__" in name or name.startswith(".git") for name in files)
    clean = (TASK_REPOS / "projects" / "inikit" / "inikit" / "values.py").read_text()
    assert (dest / "inikit" / "values.py").read_text() != clean
