import pytest

from semverish import Version, bump, bump_major, bump_minor, bump_patch, bump_prerelease


def test_bump_release_versions():
    assert bump_major("1.4.2") == Version(2, 0, 0)
    assert bump_minor("1.4.2") == Version(1, 5, 0)
    assert bump_patch("1.4.2") == Version(1, 4, 3)


def test_bump_patch_of_prerelease_releases_it():
    assert bump_patch("1.4.3-rc.2") == Version(1, 4, 3)


def test_bump_drops_build_metadata():
    assert bump_patch("1.0.0+build.1").build == ()


def test_bump_prerelease_sequence():
    assert str(bump_prerelease("1.4.2")) == "1.4.3-rc.0"
    assert str(bump_prerelease("1.4.3-rc.0")) == "1.4.3-rc.1"
    assert str(bump_prerelease("1.4.3-rc")) == "1.4.3-rc.0"
    assert str(bump_prerelease("1.4.3-beta.4", "rc")) == "1.4.3-rc.0"


def test_bump_dispatch():
    assert str(bump("0.1.0", "minor")) == "0.2.0"
    assert str(bump("0.1.0", "prerelease", "alpha")) == "0.1.1-alpha.0"
    with pytest.raises(ValueError, match="unknown part"):
        bump("0.1.0", "micro")
