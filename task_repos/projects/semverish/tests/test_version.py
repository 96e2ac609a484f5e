import pytest

from semverish import InvalidVersion, Version, sort_versions


def test_parse_full_version():
    v = Version.parse("1.2.3-rc.1+build.7")
    assert (v.major, v.minor, v.patch) == (1, 2, 3)
    assert v.prerelease == ("rc", 1)
    assert v.build == ("build", "7")
    assert v.is_prerelease


def test_parse_accepts_v_prefix_and_whitespace():
    assert Version.parse(" v2.0.10 ") == Version(2, 0, 10)


@pytest.mark.parametrize(
    "text",
    ["1.2", "1.2.3.4", "01.2.3", "1.2.3-", "1.2.3-rc.01", "a.b.c", ""],
    ids=["partial", "four-parts", "leading-zero", "empty-prerelease", "leading-zero-prerelease", "letters", "empty"],
)
def test_parse_rejects_invalid(text):
    with pytest.raises(InvalidVersion):
        Version.parse(text)


def test_invalid_version_is_a_value_error():
    with pytest.raises(ValueError):
        Version.parse("nope")


def test_str_round_trips():
    for text in ["0.0.1", "1.2.3-alpha.10", "3.0.0+sha.5114f85", "1.0.0-x-y-z.1+meta"]:
        assert str(Version.parse(text)) == text


def test_numeric_parts_compare_as_numbers():
    assert Version.parse("1.10.0") > Version.parse("1.9.0")
    assert Version.parse("2.0.0") > "1.99.99"


def test_prerelease_sorts_before_release():
    assert Version.parse("1.0.0-rc.1") < Version.parse("1.0.0")
    assert Version.parse("1.0.0") < Version.parse("1.0.1-alpha")


def test_prerelease_identifiers():
    ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1"]
    for lower, higher in zip(ordered, ordered[1:]):
        assert Version.parse(lower) < Version.parse(higher)


def test_build_metadata_is_ignored_for_equality():
    assert Version.parse("1.0.0+a") == Version.parse("1.0.0+b")
    assert len({Version.parse("1.0.0+a"), Version.parse("1.0.0")}) == 1


def test_sort_versions():
    result = sort_versions(["1.0.0", "0.9.1", "1.0.0-rc.2", "0.10.0"])
    assert [str(v) for v in result] == ["0.9.1", "0.10.0", "1.0.0-rc.2", "1.0.0"]
