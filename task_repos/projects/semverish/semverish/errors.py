"""Exceptions raised by semverish."""


class SemverError(ValueError):
    """Base class for semverish errors."""


class InvalidVersion(SemverError):
    """Text that is not a semantic version."""


class InvalidRange(SemverError):
    """Text that is not a version range."""
