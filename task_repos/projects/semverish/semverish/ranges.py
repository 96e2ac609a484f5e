"""npm-style version ranges: ``>=1.2.0 <2``, ``^1.2.3``, ``~1.2``, ``1.x || 2.1.x``."""

import operator
import re
from dataclasses import dataclass

from semverish.errors import InvalidRange, InvalidVersion
from semverish.version import Version, coerce, parse_prerelease

_OPERATORS = {"=": operator.eq, ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
_WILDCARDS = ("x", "X", "*")
_PART = r"0|[1-9]\d*|[xX*]"
_PARTIAL = re.compile(rf"^v?({_PART})(?:\.({_PART})(?:\.({_PART})(?:-([0-9A-Za-z.-]+))?)?)?$")
_TOKEN = re.compile(r"^(\^|~|>=|<=|>|<|=)?\s*(.*)$")


@dataclass(frozen=True)
class Comparator:
    """One bound, such as ``>=1.2.0``."""

    op: str
    version: Version

    def test(self, version: Version) -> bool:
        return _OPERATORS[self.op](version.compare(self.version), 0)

    def __str__(self) -> str:
        return f"{self.op}{self.version}"


@dataclass(frozen=True)
class _Partial:
    """A version with missing or wildcard parts (None)."""

    major: object
    minor: object
    patch: object
    prerelease: tuple

    def floor(self) -> Version:
        return Version(self.major or 0, self.minor or 0, self.patch or 0, self.prerelease)


def _number(text):
    if text is None or text in _WILDCARDS:
        return None
    return int(text)


def _parse_partial(text: str, token: str) -> _Partial:
    match = _PARTIAL.match(text)
    if not match:
        raise InvalidRange(f"invalid version {text!r} in {token!r}")
    major, minor, patch = (_number(part) for part in match.groups()[:3])
    # Anything after a wildcard is a wildcard too: 1.x.3 means 1.x.
    if major is None:
        minor = None
    if minor is None:
        patch = None
    try:
        pre = parse_prerelease(match.group(4)) if match.group(4) and patch is not None else ()
    except InvalidVersion as error:
        raise InvalidRange(f"{error} in {token!r}") from None
    return _Partial(major, minor, patch, pre)


def _caret(p: _Partial) -> list:
    """Changes that do not modify the left-most non-zero part."""
    if p.major is None:
        return []
    if p.major != 0 or p.minor is None:
        high = Version(p.major + 1, 0, 0)
    elif p.minor != 0 or p.patch is None:
        high = Version(0, p.minor + 1, 0)
    else:
        high = Version(0, 0, p.patch + 1)
    return [Comparator(">=", p.floor()), Comparator("<", high)]


def _tilde(p: _Partial) -> list:
    """Patch-level changes when a minor version is given, minor-level changes otherwise."""
    if p.major is None:
        return []
    if p.minor is None:
        high = Version(p.major + 1, 0, 0)
    else:
        high = Version(p.major, p.minor + 1, 0)
    return [Comparator(">=", p.floor()), Comparator("<", high)]


def _next_floor(p: _Partial) -> Version:
    """The first version past every version the partial stands for."""
    if p.minor is None:
        return Version(p.major + 1, 0, 0)
    return Version(p.major, p.minor + 1, 0)


def _x_range(op: str, p: _Partial) -> list:
    """Comparators for a partial version such as ``1.2``, ``1.x`` or ``>1.2``."""
    if p.major is None:
        return [] if op in ("", "=", ">=", "<=") else [Comparator("<", Version(0, 0, 0))]
    if op in ("", "="):
        return [Comparator(">=", p.floor()), Comparator("<", _next_floor(p))]
    if op == ">":
        return [Comparator(">=", _next_floor(p))]
    if op == "<=":
        return [Comparator("<", _next_floor(p))]
    return [Comparator(op, p.floor())]


def _comparators(token: str) -> list:
    op, rest = _TOKEN.match(token).groups()
    op = op or ""
    partial = _parse_partial(rest, token)
    if op == "^":
        return _caret(partial)
    if op == "~":
        return _tilde(partial)
    if partial.patch is None:
        return _x_range(op, partial)
    return [Comparator(op or "=", partial.floor())]


def _join_operators(alternative: str) -> list:
    """Tokens of one alternative, with ``>= 1.2.0`` glued back into ``>=1.2.0``."""
    return re.sub(r"(\^|~|>=|<=|>|<|=)\s+", r"\1", alternative.strip()).split()


@dataclass(frozen=True)
class Range:
    """Alternatives joined by ``||``; each alternative is a set of comparators that must all hold."""

    alternatives: tuple

    @classmethod
    def parse(cls, text: str) -> "Range":
        alternatives = []
        for alternative in text.split("||"):
            comparators = []
            for token in _join_operators(alternative):
                comparators.extend(_comparators(token))
            alternatives.append(tuple(comparators))
        return cls(tuple(alternatives))

    def contains(self, version, include_prerelease: bool = False) -> bool:
        """Whether `version` is in the range.

        Unless `include_prerelease` is set, a prerelease only matches an
        alternative that names a prerelease of the same major.minor.patch.
        """
        version = coerce(version)
        for comparators in self.alternatives:
            if not all(c.test(version) for c in comparators):
                continue
            if not version.prerelease or include_prerelease:
                return True
            if any(c.version.prerelease and c.version.release == version.release for c in comparators):
                return True
        return False

    def __contains__(self, version) -> bool:
        return self.contains(version)

    def __str__(self) -> str:
        return " || ".join(" ".join(str(c) for c in alt) or "*" for alt in self.alternatives)


def _as_range(spec) -> Range:
    return spec if isinstance(spec, Range) else Range.parse(spec)


def satisfies(version, spec, include_prerelease: bool = False) -> bool:
    """Whether `version` is in the range `spec` (a Range or its text)."""
    return _as_range(spec).contains(version, include_prerelease)


def max_satisfying(versions, spec, include_prerelease: bool = False):
    """The highest of `versions` in the range, or None."""
    wanted = _as_range(spec)
    return max((coerce(v) for v in versions if wanted.contains(v, include_prerelease)), default=None)


def min_satisfying(versions, spec, include_prerelease: bool = False):
    """The lowest of `versions` in the range, or None."""
    wanted = _as_range(spec)
    return min((coerce(v) for v in versions if wanted.contains(v, include_prerelease)), default=None)
