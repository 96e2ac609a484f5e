import pytest

from semverish import InvalidRange, Range, max_satisfying, min_satisfying, satisfies


@pytest.mark.parametrize(
    "spec, inside, outside",
    [
        (">=1.2.0 <2.0.0", ["1.2.0", "1.9.9"], ["1.1.9", "2.0.0"]),
        ("=1.2.3", ["1.2.3", "1.2.3+build"], ["1.2.4"]),
        ("1.2.3", ["1.2.3"], ["1.2.2"]),
        ("^1.2.3", ["1.2.3", "1.9.0"], ["1.2.2", "2.0.0"]),
        ("^0.2.3", ["0.2.3", "0.2.9"], ["0.3.0"]),
        ("^0.0.3", ["0.0.3"], ["0.0.4"]),
        ("^1.2", ["1.2.0", "1.7.1"], ["2.0.0"]),
        ("~1.2.3", ["1.2.3", "1.2.9"], ["1.2.2", "2.0.0"]),
        ("~1", ["1.0.0", "1.9.3"], ["2.0.0"]),
        ("<1.0.0 || >=3.0.0", ["0.5.0", "3.1.0"], ["1.0.0", "2.5.0"]),
        (">= 1.0.0 <= 1.5.0", ["1.5.0"], ["1.5.1"]),
        ("*", ["0.0.1", "9.9.9"], []),
    ],
    ids=[
        "and",
        "equal",
        "bare",
        "caret",
        "caret-zero-major",
        "caret-zero-minor",
        "caret-partial",
        "tilde",
        "tilde-major",
        "or",
        "spaced-operators",
        "star",
    ],
)
def test_range_membership(spec, inside, outside):
    for version in inside:
        assert satisfies(version, spec), (spec, version)
    for version in outside:
        assert not satisfies(version, spec), (spec, version)


def test_prereleases_only_match_when_named():
    assert not satisfies("1.3.0-beta.1", "^1.2.0")
    assert satisfies("1.3.0-beta.1", "^1.2.0", include_prerelease=True)
    assert satisfies("1.2.3-beta.4", ">=1.2.3-beta.2 <1.3.0")
    assert not satisfies("1.2.4-beta.4", ">=1.2.3-beta.2 <1.3.0")


def test_range_str_is_normalized():
    assert str(Range.parse("^1.2.3 || 2.0.0")) == ">=1.2.3 <2.0.0 || =2.0.0"


def test_in_operator():
    assert "1.5.0" in Range.parse("^1.0.0")


def test_invalid_ranges():
    for spec in [">=", "^a.b", "1.2.3 <<2", "~1.2.3-rc.01"]:
        with pytest.raises(InvalidRange):
            Range.parse(spec)


def test_max_and_min_satisfying():
    versions = ["1.0.0", "1.4.0", "1.10.2", "2.0.0", "2.1.0-rc.1"]
    assert str(max_satisfying(versions, "^1.0.0")) == "1.10.2"
    assert str(min_satisfying(versions, ">=1.1.0")) == "1.4.0"
    assert max_satisfying(versions, ">=3.0.0") is None
    assert str(max_satisfying(versions, ">=2.0.0", include_prerelease=True)) == "2.1.0-rc.1"
