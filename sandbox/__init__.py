"""Docker sandboxes: hardened containers, a fast exec seam, images built without a registry."""

from sandbox.container import LABEL_EPISODE, LABEL_RUN, ExecResult, Sandbox, SandboxConfig, connect
from sandbox.errors import (DaemonUnavailable, ImageBuildError, ImageNotFound, SandboxDead,
                            SandboxError, ShellHung)
from sandbox.gc import gc

__all__ = [
    "LABEL_EPISODE", "LABEL_RUN", "DaemonUnavailable", "ExecResult", "ImageBuildError", "ImageNotFound",
    "Sandbox", "SandboxConfig", "SandboxDead", "SandboxError", "ShellHung", "connect", "gc",
]
