import pytest

from semverish import InvalidRange, Range, max_satisfying, satisfies


@pytest.mark.parametrize(
    "spec, inside, outside",
    [
        ("1.2.x", ["1.2.0", "1.2.7"], ["1.1.9", "1.3.0"]),
        ("1.x", ["1.0.0", "1.9.0"], ["0.9.9", "2.0.0"]),
        ("1.2.*", ["1.2.3"], ["1.3.0"]),
        ("1.X", ["1.5.5"], ["2.0.0"]),
        ("1.2", ["1.2.0", "1.2.99"], ["1.3.0", "1.1.0"]),
        ("2", ["2.0.0", "2.9.9"], ["3.0.0", "1.9.9"]),
        ("1.x || >=3.1", ["1.4.0", "3.1.0"], ["2.0.0", "3.0.9"]),
        ("x", ["0.0.0", "12.3.4"], []),
    ],
    ids=["minor-x", "major-x", "star-patch", "capital-x", "partial-minor", "partial-major", "or", "bare-x"],
)
def test_x_range_membership(spec, inside, outside):
    for version in inside:
        assert satisfies(version, spec), (spec, version)
    for version in outside:
        assert not satisfies(version, spec), (spec, version)


def test_x_ranges_with_operators():
    assert str(Range.parse(">1.2")) == ">=1.3.0"
    assert str(Range.parse(">=1.2")) == ">=1.2.0"
    assert str(Range.parse("<1.2")) == "<1.2.0"
    assert str(Range.parse("<=1.2")) == "<1.3.0"
    assert str(Range.parse(">1")) == ">=2.0.0"
    assert not satisfies("0.0.0", ">*")
    assert not satisfies("9.9.9", "<*")
    assert satisfies("1.3.9", ">=1.2 <1.4.x")
    assert not satisfies("1.4.0", ">=1.2 <1.4.x")


def test_x_ranges_with_caret_and_tilde():
    assert str(Range.parse("^1.x")) == str(Range.parse("^1"))
    assert str(Range.parse("~1.2.x")) == str(Range.parse("~1.2"))
    assert satisfies("7.0.0", "^*")
    assert str(Range.parse("1.x.3")) == str(Range.parse("1.x"))


def test_x_range_text():
    assert str(Range.parse("1.2.x")) == ">=1.2.0 <1.3.0"
    assert str(Range.parse("1.x || 3")) == ">=1.0.0 <2.0.0 || >=3.0.0 <4.0.0"


def test_max_satisfying_x_range():
    versions = ["1.2.0", "1.2.9", "1.3.0", "2.0.0"]
    assert str(max_satisfying(versions, "1.2.x")) == "1.2.9"
    assert str(max_satisfying(versions, "1")) == "1.3.0"


def test_misspelled_parts_are_rejected():
    for spec in ["1.y", "1.2.z", "x.y"]:
        with pytest.raises(InvalidRange):
            Range.parse(spec)


def test_star_alone_matches_everything():
    assert satisfies("0.1.0", "*")
    assert str(Range.parse("*")) == "*"
