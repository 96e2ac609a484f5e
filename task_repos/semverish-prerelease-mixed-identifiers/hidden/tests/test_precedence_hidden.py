from semverish import Version, max_satisfying, sort_versions

SPEC_EXAMPLE = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
]


def test_semver_spec_precedence_example():
    for lower, higher in zip(SPEC_EXAMPLE, SPEC_EXAMPLE[1:]):
        assert Version.parse(lower) < Version.parse(higher), (lower, higher)
        assert Version.parse(higher) > Version.parse(lower), (lower, higher)


def test_numeric_identifier_ranks_below_alphanumeric():
    assert Version.parse("1.0.0-1") < Version.parse("1.0.0-alpha")
    assert Version.parse("1.0.0-rc.x") > Version.parse("1.0.0-rc.99")
    assert Version.parse("1.0.0-0.3.7").compare("1.0.0-x.7.z.92") == -1


def test_sort_versions_with_mixed_identifiers():
    shuffled = [SPEC_EXAMPLE[i] for i in (5, 2, 7, 0, 6, 3, 1, 4)]
    assert [str(v) for v in sort_versions(shuffled)] == SPEC_EXAMPLE


def test_max_satisfying_with_mixed_prereleases():
    versions = ["2.0.0-beta.1", "2.0.0-beta.next", "2.0.0-beta.7"]
    assert str(max_satisfying(versions, ">=2.0.0-beta.0 <2.0.0")) == "2.0.0-beta.next"


def test_numeric_identifiers_compare_as_numbers():
    assert Version.parse("1.0.0-rc.10") > Version.parse("1.0.0-rc.9")


def test_alphanumeric_identifiers_compare_in_ascii_order():
    assert Version.parse("1.0.0-Beta") < Version.parse("1.0.0-alpha")
