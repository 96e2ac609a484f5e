"""The sandbox's exception tree; each class also subclasses the matching builtin."""


class SandboxError(Exception):
    """Base of every error the sandbox raises: the machinery broke, not the command."""


class DaemonUnavailable(SandboxError, ConnectionError):
    """No Docker daemon answers."""


class ImageNotFound(SandboxError, LookupError):
    """The image to start from does not exist locally."""


class ImageBuildError(SandboxError, RuntimeError):
    """An image could not be built."""


class SandboxDead(SandboxError, RuntimeError):
    """The container stopped or vanished while in use."""


class ShellHung(SandboxError, TimeoutError):
    """The in-container shell stopped answering and could not be replaced."""
