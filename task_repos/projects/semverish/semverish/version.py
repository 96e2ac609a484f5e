"""Semantic versions (https://semver.org) and their precedence."""

import functools
import re
from dataclasses import dataclass

from semverish.errors import InvalidVersion

_IDENT = r"[0-9A-Za-z-]+"
_VERSION = re.compile(
    rf"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    rf"(?:-({_IDENT}(?:\.{_IDENT})*))?"
    rf"(?:\+({_IDENT}(?:\.{_IDENT})*))?$"
)


def parse_prerelease(text: str) -> tuple:
    """Dot-separated identifiers; numeric ones become ints. Numbers with leading zeros are invalid."""
    identifiers = []
    for part in text.split("."):
        if not part.isdigit():
            identifiers.append(part)
        elif len(part) > 1 and part.startswith("0"):
            raise InvalidVersion(f"numeric identifier {part!r} has a leading zero")
        else:
            identifiers.append(int(part))
    return tuple(identifiers)


def _cmp(left, right) -> int:
    return (left > right) - (left < right)


def _compare_identifiers(left, right) -> int:
    left_numeric = isinstance(left, int)
    right_numeric = isinstance(right, int)
    if left_numeric and right_numeric:
        return _cmp(left, right)
    if left_numeric or right_numeric:
        # Numeric identifiers have lower precedence than alphanumeric ones.
        return -1 if left_numeric else 1
    return _cmp(left, right)


def compare_prerelease(left: tuple, right: tuple) -> int:
    """Precedence of two prerelease tuples; an empty tuple (a release) ranks highest."""
    if not left or not right:
        return _cmp(not left, not right)
    for a, b in zip(left, right):
        result = _compare_identifiers(a, b)
        if result:
            return result
    return _cmp(len(left), len(right))


@functools.total_ordering
@dataclass(frozen=True, eq=False)
class Version:
    """A version; build metadata is kept but never affects precedence or equality."""

    major: int
    minor: int
    patch: int
    prerelease: tuple = ()
    build: tuple = ()

    @classmethod
    def parse(cls, text: str) -> "Version":
        """Parse ``1.2.3``, ``v1.2.3-rc.1`` or ``1.2.3+build.5``; surrounding whitespace is ignored."""
        match = _VERSION.match(text.strip())
        if not match:
            raise InvalidVersion(f"not a semantic version: {text!r}")
        major, minor, patch, pre, build = match.groups()
        return cls(
            int(major),
            int(minor),
            int(patch),
            parse_prerelease(pre) if pre else (),
            tuple(build.split(".")) if build else (),
        )

    @property
    def is_prerelease(self) -> bool:
        return bool(self.prerelease)

    @property
    def release(self) -> tuple:
        """(major, minor, patch) without prerelease or build."""
        return (self.major, self.minor, self.patch)

    def compare(self, other) -> int:
        """-1, 0 or 1 as this version has lower, equal or higher precedence than `other`."""
        other = coerce(other)
        return _cmp(self.release, other.release) or compare_prerelease(self.prerelease, other.prerelease)

    def __eq__(self, other) -> bool:
        if not isinstance(other, (Version, str)):
            return NotImplemented
        return self.compare(other) == 0

    def __lt__(self, other) -> bool:
        if not isinstance(other, (Version, str)):
            return NotImplemented
        return self.compare(other) < 0

    def __hash__(self) -> int:
        return hash((self.release, self.prerelease))

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(str(part) for part in self.prerelease)
        if self.build:
            text += "+" + ".".join(self.build)
        return text


def coerce(value) -> Version:
    """A Version from a Version or a string."""
    return value if isinstance(value, Version) else Version.parse(value)


def sort_versions(versions, reverse: bool = False) -> list:
    """Versions (or strings) sorted by precedence, as Version objects."""
    return sorted((coerce(v) for v in versions), reverse=reverse)
