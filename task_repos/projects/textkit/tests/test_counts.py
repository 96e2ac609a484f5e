from textkit.counts import count_chars, count_lines, count_words, stats, word_frequencies


def test_count_lines_with_and_without_final_newline():
    assert count_lines("") == 0
    assert count_lines("one") == 1
    assert count_lines("one\n") == 1
    assert count_lines("one\ntwo") == 2
    assert count_lines("\n\n") == 2


def test_count_words_ignores_whitespace_runs():
    assert count_words("  hello \t world\n\nagain ") == 3
    assert count_words("") == 0


def test_count_chars_counts_code_points():
    assert count_chars("héllo wörld") == 11
    assert count_chars("a b\tc", include_whitespace=False) == 3


def test_stats_bytes_are_utf8():
    result = stats("日本\nok\n")
    assert (result.lines, result.words, result.chars, result.bytes) == (2, 2, 6, 10)


def test_word_frequencies_rank_by_count_then_alphabetically():
    text = "The cat and the hat. A cat! the end"
    assert word_frequencies(text, top=3) == [("the", 3), ("cat", 2), ("a", 1)]


def test_word_frequencies_keep_apostrophes():
    assert word_frequencies("don't stop, don't") == [("don't", 2), ("stop", 1)]
