"""The harvester's exception tree; each class also subclasses the matching builtin."""


class HarvesterError(Exception):
    """Base of errors raised by harvester itself."""


class ConfigError(HarvesterError, ValueError):
    """A config file or flag is invalid; the message names the file and field."""


class TraceError(HarvesterError, ValueError):
    """A trace file is corrupt or incomplete; the message names the file and line."""


class PolicyError(HarvesterError, RuntimeError):
    """The policy could not produce a reply (endpoint down, bad key); ends the episode."""

    def __init__(self, message: str, infra: bool = True) -> None:
        super().__init__(message)
        self.infra = infra
