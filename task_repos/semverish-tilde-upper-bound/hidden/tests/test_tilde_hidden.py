from semverish import Range, max_satisfying, satisfies


def test_tilde_excludes_next_minor():
    assert not satisfies("1.3.0", "~1.2.3")
    assert not satisfies("1.3.9", "~1.2.3")


def test_tilde_with_major_and_minor_only():
    assert satisfies("1.2.0", "~1.2")
    assert not satisfies("1.3.0", "~1.2")


def test_tilde_on_zero_major():
    assert satisfies("0.2.9", "~0.2.3")
    assert not satisfies("0.3.1", "~0.2.3")


def test_tilde_range_text():
    assert str(Range.parse("~1.2.3")) == ">=1.2.3 <1.3.0"
    assert str(Range.parse("~1")) == ">=1.0.0 <2.0.0"


def test_max_satisfying_tilde():
    assert str(max_satisfying(["1.2.3", "1.2.9", "1.3.4"], "~1.2.0")) == "1.2.9"


def test_tilde_allows_patch_updates():
    assert satisfies("1.2.10", "~1.2.3")
    assert not satisfies("1.2.2", "~1.2.3")


def test_tilde_major_only_allows_minor_updates():
    assert satisfies("1.9.0", "~1")
    assert not satisfies("2.0.0", "~1")
