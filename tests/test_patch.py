"""Golden-folder and unit tests for the apply_patch engine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harvester.patch import FileChange, PatchError, apply_to_dir, parse_patch, plan_patch, summarize
from harvester.patch_parse import AddFile, Chunk, DeleteFile, UpdateFile

GOLDEN = Path(__file__).parent / "golden" / "patch"
SCENARIOS = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root by relative path; empty directories do not count."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def wrap(body: str) -> str:
    return f"*** Begin Patch\n{body}\n*** End Patch\n"


def plan(files: dict[str, str], body: str) -> list[FileChange]:
    return plan_patch(wrap(body), files.get)


def test_golden_scenarios_exist():
    assert len(SCENARIOS) >= 20


@pytest.mark.parametrize("name", SCENARIOS)
def test_golden(name: str, tmp_path: Path):
    scenario = GOLDEN / name
    work = tmp_path / "work"
    shutil.copytree(scenario / "input", work)
    patch = (scenario / "patch.txt").read_text(encoding="utf-8")
    error_file = scenario / "error.txt"
    if error_file.exists():
        with pytest.raises(PatchError) as caught:
            apply_to_dir(patch, work)
        assert error_file.read_text(encoding="utf-8") in str(caught.value)
    else:
        assert apply_to_dir(patch, work).startswith("Success. Updated the following files:\n")
    assert tree(work) == tree(scenario / "expected")


def test_parse_all_operations():
    ops = parse_patch(
        wrap(
            "*** Add File: path/add.py\n+abc\n+def\n"
            "*** Delete File: path/delete.py\n"
            "*** Update File: path/update.py\n*** Move to: path/update2.py\n"
            "@@ def f():\n-    pass\n+    return 123\n*** End of File"
        )
    )
    assert ops == [
        AddFile("path/add.py", "abc\ndef\n"),
        DeleteFile("path/delete.py"),
        UpdateFile("path/update.py", "path/update2.py", (Chunk("def f():", (("-", "    pass"), ("+", "    return 123")), True),)),
    ]


def test_parse_first_chunk_may_omit_header_and_blank_line_is_context():
    [op] = parse_patch(wrap("*** Update File: f.py\n import foo\n\n+bar"))
    assert op == UpdateFile("f.py", None, (Chunk(None, ((" ", "import foo"), (" ", ""), ("+", "bar")), False),))
    assert (op.chunks[0].old, op.chunks[0].new) == (["import foo", ""], ["import foo", "", "bar"])


def test_parse_normalises_paths_and_drops_move_to_itself():
    [op] = parse_patch(wrap("*** Update File: ./a/../b.txt\n*** Move to: b.txt\n@@\n-x\n+y"))
    assert (op.path, op.move_to) == ("b.txt", None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bad", "the first line of the patch must be '*** Begin Patch'"),
        ("*** Begin Patch\nbad", "the last line of the patch must be '*** End Patch'"),
        (wrap("*** Update File: a\n@@\n-x\n@@"), "invalid hunk at line 5, update hunk does not contain any lines"),
        (wrap("*** Update File: a\n@@\n-x\nfoo"), "line 5, expected update hunk to start with a @@ context marker"),
        (wrap("*** Add File: a\n+x\nfoo"), "invalid hunk at line 4, 'foo' is not a valid hunk header"),
        (wrap("*** Update File: a\n@@\n-x\n*** End of File\n*** End of File"), "line 6, '*** End of File' is not"),
        (wrap("*** Delete File: ./"), "invalid hunk at line 2, './' is not a file path"),
        ("<<'EOF'\n*** Begin Patch\n*** Delete File: a\n*** End Patch\nEOF\n*** End Patch", "'*** Begin Patch'"),
        (wrap("*** Add File: ..\n+x"), "'..' points outside the working directory"),
    ],
)
def test_parse_errors(text: str, message: str):
    with pytest.raises(PatchError) as caught:
        parse_patch(text)
    assert message in str(caught.value)


def test_patch_error_is_value_error():
    assert issubclass(PatchError, ValueError)


def test_plan_update_reports_full_new_content():
    changes = plan({"a.txt": "one\ntwo\n"}, "*** Update File: a.txt\n@@\n-two\n+2")
    assert changes == [FileChange("a.txt", "update", None, "one\n2\n")]


def test_plan_sees_earlier_operations_in_the_same_patch():
    body = "*** Add File: n.txt\n+first\n*** Update File: n.txt\n@@\n first\n+second\n*** Delete File: old.txt"
    changes = plan({"old.txt": "x\n"}, body)
    assert [c.content for c in changes] == ["first\n", "first\nsecond\n", None]


def test_plan_update_after_move_sees_missing_source():
    body = "*** Update File: a.txt\n*** Move to: b.txt\n@@\n-a\n+b\n*** Update File: a.txt\n@@\n-b\n+c"
    with pytest.raises(PatchError, match="Failed to update a.txt: file does not exist"):
        plan({"a.txt": "a\n"}, body)


def test_plan_chunks_search_forward_from_previous_chunk():
    files = {"f.txt": "x\nx\nx\n"}
    changes = plan(files, "*** Update File: f.txt\n@@\n-x\n+A\n@@\n-x\n+B")
    assert changes[0].content == "A\nB\nx\n"


def test_plan_header_narrows_search():
    files = {"f.py": "def a():\n    pass\n\ndef b():\n    pass\n"}
    changes = plan(files, "*** Update File: f.py\n@@ def b():\n-    pass\n+    return 1")
    assert changes[0].content == "def a():\n    pass\n\ndef b():\n    return 1\n"


def test_plan_end_of_file_requires_match_at_end():
    with pytest.raises(PatchError, match="in f.txt:\na\n\\(expected at the end of the file\\)"):
        plan({"f.txt": "a\nb\n"}, "*** Update File: f.txt\n@@\n-a\n+A\n*** End of File")


def test_plan_trailing_empty_old_line_stands_for_final_newline():
    changes = plan({"f.txt": "a\nb\n"}, "*** Update File: f.txt\n@@\n-b\n-\n+c\n+")
    assert changes[0].content == "a\nc\n"


def test_plan_keeps_trailing_blank_lines():
    changes = plan({"f.txt": "a\nb\n\n"}, "*** Update File: f.txt\n@@\n-a\n+A")
    assert changes[0].content == "A\nb\n\n"


def test_plan_missing_context_names_file_and_lines():
    with pytest.raises(PatchError) as caught:
        plan({"src/a.py": "x = 1\n"}, "*** Update File: src/a.py\n@@\n y = 0\n-x = 2\n+x = 3")
    assert str(caught.value) == "Failed to find expected lines in src/a.py:\ny = 0\nx = 2"


def test_plan_reads_nothing_for_add_only():
    def read(path: str) -> str | None:
        raise AssertionError(f"unexpected read of {path}")

    assert plan_patch(wrap("*** Add File: x\n+1"), read) == [FileChange("x", "add", None, "1\n")]


def test_summarize_orders_added_modified_deleted():
    changes = [
        FileChange("gone.txt", "delete", None, None),
        FileChange("old.txt", "update", "new.txt", "x\n"),
        FileChange("made.txt", "add", None, "y\n"),
        FileChange("same.txt", "update", None, "z\n"),
    ]
    assert summarize(changes) == (
        "Success. Updated the following files:\nA made.txt\nM new.txt\nM same.txt\nD gone.txt\n"
    )


def test_apply_to_dir_returns_summary(tmp_path: Path):
    (tmp_path / "a.txt").write_text("a\n")
    out = apply_to_dir(wrap("*** Update File: a.txt\n*** Move to: b/c.txt\n@@\n-a\n+b"), tmp_path)
    assert out == "Success. Updated the following files:\nM b/c.txt\n"
    assert tree(tmp_path) == {"b/c.txt": b"b\n"}


def test_apply_to_dir_rejects_symlink_out_of_root(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(outside)
    with pytest.raises(PatchError, match="outside the working directory"):
        apply_to_dir(wrap("*** Add File: link/x.txt\n+x"), root)
    assert list(outside.iterdir()) == []


def test_apply_to_dir_rejects_non_utf8(tmp_path: Path):
    (tmp_path / "bin.dat").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(PatchError, match="not UTF-8"):
        apply_to_dir(wrap("*** Update File: bin.dat\n@@\n-x\n+y"), tmp_path)
