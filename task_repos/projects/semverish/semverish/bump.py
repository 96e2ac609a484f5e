"""The next version after a change of a given size."""

from semverish.version import Version, coerce


def bump_major(version) -> Version:
    """``1.4.2`` -> ``2.0.0``; a prerelease of ``X.0.0`` becomes ``X.0.0``."""
    v = coerce(version)
    if v.prerelease and v.minor == 0 and v.patch == 0:
        return Version(v.major, 0, 0)
    return Version(v.major + 1, 0, 0)


def bump_minor(version) -> Version:
    """``1.4.2`` -> ``1.5.0``; a prerelease of ``X.Y.0`` becomes ``X.Y.0``."""
    v = coerce(version)
    if v.prerelease and v.patch == 0:
        return Version(v.major, v.minor, 0)
    return Version(v.major, v.minor + 1, 0)


def bump_patch(version) -> Version:
    """``1.4.2`` -> ``1.4.3``; a prerelease becomes its release."""
    v = coerce(version)
    if v.prerelease:
        return Version(v.major, v.minor, v.patch)
    return Version(v.major, v.minor, v.patch + 1)


def bump_prerelease(version, identifier: str = "rc") -> Version:
    """The next prerelease: ``1.4.2`` -> ``1.4.3-rc.0``, ``1.4.3-rc.0`` -> ``1.4.3-rc.1``.

    Switching identifier restarts the count: ``1.4.3-beta.2`` -> ``1.4.3-rc.0``.
    """
    v = coerce(version)
    if not v.prerelease:
        return Version(v.major, v.minor, v.patch + 1, (identifier, 0))
    if v.prerelease[0] != identifier:
        return Version(v.major, v.minor, v.patch, (identifier, 0))
    parts = list(v.prerelease)
    if len(parts) > 1 and isinstance(parts[-1], int):
        parts[-1] += 1
    else:
        parts.append(0)
    return Version(v.major, v.minor, v.patch, tuple(parts))


_BUMPS = {"major": bump_major, "minor": bump_minor, "patch": bump_patch}


def bump(version, part: str, identifier: str = "rc") -> Version:
    """Bump by `part`: ``major``, ``minor``, ``patch`` or ``prerelease``."""
    if part == "prerelease":
        return bump_prerelease(version, identifier)
    if part not in _BUMPS:
        raise ValueError(f"unknown part {part!r}; expected major, minor, patch or prerelease")
    return _BUMPS[part](version)
