"""Semantic versions: parsing, precedence, npm-style ranges and bumping."""

from semverish.bump import bump, bump_major, bump_minor, bump_patch, bump_prerelease
from semverish.errors import InvalidRange, InvalidVersion, SemverError
from semverish.ranges import Comparator, Range, max_satisfying, min_satisfying, satisfies
from semverish.version import Version, sort_versions

__version__ = "0.9.0"

__all__ = [
    "Comparator",
    "InvalidRange",
    "InvalidVersion",
    "Range",
    "SemverError",
    "Version",
    "bump",
    "bump_major",
    "bump_minor",
    "bump_patch",
    "bump_prerelease",
    "max_satisfying",
    "min_satisfying",
    "satisfies",
    "sort_versions",
]
