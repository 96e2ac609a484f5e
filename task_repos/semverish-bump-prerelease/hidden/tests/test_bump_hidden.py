from semverish import Version, bump, bump_major, bump_minor, bump_patch, bump_prerelease


def test_major_bump_releases_a_major_prerelease():
    assert bump_major("2.0.0-rc.1") == Version(2, 0, 0)
    assert str(bump_major("1.0.0-alpha")) == "1.0.0"


def test_minor_bump_releases_a_minor_prerelease():
    assert bump_minor("1.3.0-beta.2") == Version(1, 3, 0)
    assert str(bump_minor("0.1.0-0")) == "0.1.0"


def test_bump_dispatch_releases_prereleases():
    assert str(bump("2.0.0-rc.1", "major")) == "2.0.0"
    assert str(bump("1.3.0-beta.2", "minor")) == "1.3.0"


def test_release_sequence_from_prereleases():
    version = bump_prerelease(bump_major("1.4.2"), "rc")
    assert str(version) == "2.0.1-rc.0"
    candidate = Version.parse("3.0.0-rc.0")
    assert str(bump_prerelease(candidate)) == "3.0.0-rc.1"
    assert str(bump_major(bump_prerelease(candidate))) == "3.0.0"
    assert str(bump_minor("3.1.0-rc.2")) == "3.1.0"


def test_major_bump_of_minor_prerelease_goes_to_next_major():
    assert str(bump_major("2.1.0-rc.1")) == "3.0.0"
    assert str(bump_major("2.0.1-rc.1")) == "3.0.0"


def test_minor_bump_of_patch_prerelease_goes_to_next_minor():
    assert str(bump_minor("1.3.1-beta.2")) == "1.4.0"


def test_release_bumps_unchanged():
    assert [str(f("1.4.2")) for f in (bump_major, bump_minor, bump_patch)] == ["2.0.0", "1.5.0", "1.4.3"]
