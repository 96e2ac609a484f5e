import io

from textkit.cli import main
from textkit.counts import stats


def run(argv, stdin_text=""):
    out = io.StringIO()
    status = main(argv, stdin=io.StringIO(stdin_text), stdout=out)
    return status, out.getvalue()


def test_stats_longest_line_uses_display_width():
    assert stats("ab\n日本語\n").longest_line == 6
    assert stats("cafe\u0301 au lait").longest_line == 12


def test_stats_longest_line_of_empty_text():
    assert stats("").longest_line == 0
    assert stats("\n\n").longest_line == 0


def test_count_max_line_width_from_stdin():
    assert run(["count", "-L"], "日本語\nhello\n") == (0, "6\n")


def test_count_long_option():
    assert run(["count", "--max-line-width"], "a\nbcd") == (0, "3\n")


def test_count_all_columns_in_wc_order():
    assert run(["count", "-L", "-c", "-w", "-l"], "hello world\nbye\n") == (0, "2 3 16 11\n")


def test_count_total_is_the_widest_line(tmp_path):
    first = tmp_path / "a.txt"
    second = tmp_path / "b.txt"
    first.write_text("short\n", encoding="utf-8")
    second.write_text("東京タワー\nx\n", encoding="utf-8")
    status, out = run(["count", "-l", "-L", str(first), str(second)])
    assert status == 0
    assert out.splitlines() == [f"1  5 {first}", f"2 10 {second}", "3 10 total"]


def test_count_default_columns_unchanged():
    assert run(["count"], "one two\n") == (0, "1 2 8\n")
