import io

import pytest

from textkit.cli import main


def run(argv, stdin_text=""):
    out = io.StringIO()
    status = main(argv, stdin=io.StringIO(stdin_text), stdout=out)
    return status, out.getvalue()


def test_count_from_stdin():
    assert run(["count"], "hello world\nbye\n") == (0, "2 3 16\n")


def test_count_selected_columns_for_files(tmp_path):
    first = tmp_path / "a.txt"
    second = tmp_path / "b.txt"
    first.write_text("one two\n", encoding="utf-8")
    second.write_text("x\ny\nz\n", encoding="utf-8")
    status, out = run(["count", "-l", "-w", str(first), str(second)])
    assert status == 0
    assert out.splitlines() == [f"1 2 {first}", f"3 3 {second}", "4 5 total"]


def test_count_missing_file_is_an_error(tmp_path, capsys):
    status, out = run(["count", str(tmp_path / "nope.txt")])
    assert status == 1
    assert out == ""
    assert "nope.txt" in capsys.readouterr().err


def test_wrap_command():
    status, out = run(["wrap", "--width", "11"], "one two three four five")
    assert (status, out) == (0, "one two\nthree four\nfive\n")


def test_columns_command_with_header():
    status, out = run(["columns", "-d", ",", "-a", "lr", "--header"], "item,price\ntea,3.50\n")
    assert out == "item  price\n----  -----\ntea    3.50\n"


def test_slug_command():
    assert run(["slug", "My", "First", "Post"]) == (0, "my-first-post\n")


def test_unknown_command_exits():
    with pytest.raises(SystemExit):
        run(["frobnicate"])
