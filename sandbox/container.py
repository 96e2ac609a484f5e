"""A hardened container with a fast exec seam: start, exec, read, write, diff, close."""

from __future__ import annotations

import time

import docker
import docker.errors
from pydantic import BaseModel, ConfigDict, Field

from sandbox.errors import DaemonUnavailable, ImageNotFound, SandboxDead, SandboxError, ShellHung
from sandbox.files import FileOps
from sandbox.shell import Reply, Shell, StreamClosed

LABEL_RUN = "harvester.run"
LABEL_EPISODE = "harvester.episode"


class SandboxConfig(BaseModel):
    """Resource limits and output caps for one container."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    memory: str = Field("4g", description="Memory limit; swap is set equal so OOM is an outcome, not thrashing.")
    cpus: float = Field(1.0, description="CPU quota in cores.")
    pids_limit: int = Field(1024, ge=64, description="Max processes and threads in the container.")
    tmpfs_size: str = Field("1g", description="Size of the tmpfs mounted on /tmp.")
    output_limit: int = Field(32_000, ge=256, description="Bytes of output kept per command (head + tail).")
    output_hard_limit: int = Field(64 << 20, description="A command printing more than this is stopped.")
    workdir: str = Field("/repo", description="Default working directory of commands.")
    kill_grace_s: float = Field(3.0, description="Wait after a kill before the shell is declared hung.")


class ExecResult(BaseModel):
    """The outcome of one command: data, never an exception."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    exit_code: int = Field(description="Exit status; 128+N when killed by signal N, -1 if the shell died.")
    output: str = Field(description="stdout and stderr interleaved; head and tail when longer than the cap.")
    output_bytes: int = Field(description="Total bytes the command printed.")
    truncated: bool = Field(description="True when the middle of the output was left out.")
    timed_out: bool = Field(description="True when the command was killed at its timeout.")
    output_limited: bool = Field(False, description="True when the command was stopped for printing too much.")
    oom_killed: bool = Field(False, description="True when the kernel OOM killer fired during the command.")
    duration_s: float = Field(description="Wall time of the command as seen from the host.")


def connect() -> docker.DockerClient:
    """A client for the local daemon, or DaemonUnavailable in one line."""
    try:
        client = docker.from_env()
        client.ping()
        return client
    except docker.errors.DockerException as exc:
        raise DaemonUnavailable(f"Docker daemon is not reachable: {str(exc).splitlines()[0][:200]}") from None


class Sandbox(FileOps):
    """One container and its two shells (one runs commands, one kills them)."""

    def __init__(self, container, config: SandboxConfig) -> None:
        self.container = container
        self.config = config
        self.baseline: str | None = None
        self._shell = self._control = None
        self._starting = True

    @classmethod
    def start(cls, image: str, labels: dict[str, str] | None = None, config: SandboxConfig | None = None,
              client: docker.DockerClient | None = None) -> Sandbox:
        """Create and start a hardened container; the caller must close it (use `with`)."""
        config = config or SandboxConfig()
        client = client or connect()
        labels = {LABEL_RUN: "adhoc", LABEL_EPISODE: "", **(labels or {})}
        try:
            client.images.get(image)
            container = client.containers.run(image, ["sleep", "infinity"], detach=True, **_hardening(config, labels))
        except docker.errors.ImageNotFound:
            raise ImageNotFound(f"image not found: {image} (build it with `make image`)") from None
        except docker.errors.APIError as exc:
            raise SandboxError(f"cannot start container from {image}: {exc.explanation or exc}") from None
        box = cls(container, config)
        try:
            box._shell, box._control = Shell(container.id), Shell(container.id)
        except BaseException:
            box.close()
            raise
        return box

    def _ready(self) -> None:
        """Shells come up while the caller does other work (copying a repo in); wait at first use."""
        if self._starting:
            self._starting = False
            try:
                self._shell.wait_ready(30)
                self._control.wait_ready(30)
            except (StreamClosed, TimeoutError) as exc:
                self._check_alive()
                raise SandboxError(f"container {self.id[:12]}: shell did not come up: {exc}") from None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def id(self) -> str:
        return self.container.id

    def exec(self, command: list[str] | str, workdir: str | None = None, timeout: float = 60.0,
             env: dict[str, str] | None = None) -> ExecResult:
        """Run argv (or a bash script given as str) in a fresh subshell with a timeout."""
        argv = ["bash", "-c", command] if isinstance(command, str) else list(command)
        if not argv:
            raise ValueError("empty command")
        self._ready()
        t0 = time.monotonic()
        cap, hard = self.config.output_limit, self.config.output_hard_limit
        try:
            reply = self._shell.start(argv, workdir or self.config.workdir, env, cap)
            self._shell.collect(reply, t0 + timeout, hard)
            timed_out = not reply.done and reply.total <= hard
            limited = not reply.done and not timed_out
            if not reply.done:
                self._kill(reply)
        except StreamClosed:
            self._check_alive()
            self._replace_shell()
            reply, timed_out, limited = Reply("", cap, exit_code=-1, done=True), False, False
        return _result(reply, timed_out, limited, time.monotonic() - t0)

    def _kill(self, reply: Reply) -> None:
        """Kill every process of the call, then drain its reply or replace the shell."""
        self._control.request("__ctl", ["__sweep", reply.nonce], timeout=30)
        self._shell.collect(reply, time.monotonic() + self.config.kill_grace_s, 1 << 62)
        if not reply.done:
            self._replace_shell()

    def _replace_shell(self) -> None:
        self._check_alive()
        old = self._shell
        try:
            self._control.request("__ctl", ["kill", "-KILL", str(old.pid)], timeout=10)
        except (StreamClosed, TimeoutError):
            pass
        old.close()
        self._shell = Shell(self.container.id)
        try:
            self._shell.wait_ready(30)
        except (StreamClosed, TimeoutError) as exc:
            raise ShellHung(f"container {self.id[:12]}: shell could not be replaced: {exc}") from None

    def _check_alive(self) -> None:
        try:
            self.container.reload()
        except docker.errors.NotFound:
            raise SandboxDead(f"container {self.id[:12]} vanished") from None
        if self.container.status != "running":
            state = self.container.attrs.get("State", {})
            raise SandboxDead(f"container {self.id[:12]} is {self.container.status}"
                              f" (exit {state.get('ExitCode')}, oom {state.get('OOMKilled')})")

    def _request(self, verb: str, args: list[str], payload: bytes | None = None) -> tuple[int, bytes]:
        """A prelude verb, or a command fed payload on its stdin; a dead shell is replaced once."""
        self._ready()
        try:
            return self._ask(verb, args, payload)
        except StreamClosed:
            self._check_alive()
            self._replace_shell()
            return self._ask(verb, args, payload)

    def _ask(self, verb: str, args: list[str], payload: bytes | None) -> tuple[int, bytes]:
        if payload is None:
            return self._shell.request(verb, args, timeout=120)
        return self._shell.feed([verb, *args], payload, timeout=120)

    def close(self) -> None:
        """Remove the container; safe to call twice."""
        for shell in (self._shell, self._control):
            if shell is not None:
                shell.close()
        self._shell = self._control = None
        try:
            self.container.remove(force=True)
        except docker.errors.NotFound:
            pass
        except docker.errors.APIError as exc:
            if "already in progress" not in str(exc):
                raise


def _hardening(config: SandboxConfig, labels: dict[str, str]) -> dict:
    return dict(
        labels=labels, init=True, network_mode="none", cap_drop=["ALL"],
        cap_add=["CHOWN", "DAC_OVERRIDE", "FOWNER"], security_opt=["no-new-privileges"],
        pids_limit=config.pids_limit, mem_limit=config.memory, memswap_limit=config.memory,
        nano_cpus=int(config.cpus * 1e9), tmpfs={"/tmp": f"size={config.tmpfs_size},exec"},
        working_dir="/", environment={"PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"},
    )


def _result(reply: Reply, timed_out: bool, limited: bool, duration: float) -> ExecResult:
    elided = reply.total - len(reply.head) - len(reply.tail)
    text = reply.head.decode("utf-8", errors="replace")
    if elided > 0:
        text += f"\n[... {elided} bytes omitted ...]\n"
    text += reply.tail.decode("utf-8", errors="replace")
    code = reply.exit_code if reply.done else 137
    if reply.nonce == "":
        text += "\n[sandbox: the shell exited unexpectedly and was restarted]"
    return ExecResult(exit_code=code, output=text, output_bytes=reply.total, truncated=elided > 0,
                      timed_out=timed_out, output_limited=limited, oom_killed=reply.oom, duration_s=duration)
