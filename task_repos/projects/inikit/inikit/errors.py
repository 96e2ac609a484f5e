"""Exceptions raised by inikit."""


class InikitError(ValueError):
    """Base class of every inikit error."""


class ParseError(InikitError):
    """The text is not valid inikit syntax."""

    def __init__(self, message, lineno):
        super().__init__(f"line {lineno}: {message}")
        self.message = message
        self.lineno = lineno


class InterpolationError(InikitError):
    """A ${...} reference cannot be resolved."""
