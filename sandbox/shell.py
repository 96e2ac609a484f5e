"""One long-lived bash per container, reached over a `docker exec -i` stream.

Each request is a line of bash; its reply ends with a sentinel line carrying a
per-call nonce, the exit code and an OOM flag. Commands run in fresh subshells
marked with SANDBOX_CALL=<nonce> in their environment, so a sweep can find every
process a call started, including children that `setsid` away.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import select
import shlex
import subprocess
import time
from dataclasses import dataclass, field

# Pure builtins: the sweep must work while a fork bomb holds every pid.
PRELUDE = r"""
# A process caught mid-exec can show an empty environ, so only two clean rounds in a row end it.
__sweep() {
  local r p e hit clean=0
  for r in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    hit=()
    for p in /proc/[0-9]*; do
      while IFS= read -r -d '' e; do
        if [[ $e == "SANDBOX_CALL=$1" ]]; then hit+=("${p#/proc/}"); break; fi
      done 2>/dev/null < "$p/environ"
    done
    if [ ${#hit[@]} = 0 ]; then clean=$((clean + 1)); [ $clean -ge 2 ] && return 0; continue; fi
    clean=0
    kill -STOP "${hit[@]}" 2>/dev/null; kill -KILL "${hit[@]}" 2>/dev/null
  done
}
__oomc() {
  local k v f=/sys/fs/cgroup/memory.events
  __o=0; [ -r $f ] || f=/sys/fs/cgroup/memory/memory.oom_control
  while read -r k v; do [ "$k" = oom_kill ] && __o=$v; done 2>/dev/null < $f
}
__run() {
  local n=$1 b a rc o=0; shift
  local p=(/proc/[0-9]*); b=${#p[@]}; __oomc; a=$__o
  ( export SANDBOX_CALL=$n; "$@" ) </dev/null 2>&1; rc=$?
  p=(/proc/[0-9]*); [ ${#p[@]} -gt $b ] && __sweep "$n"
  if [ $rc -ge 128 ]; then __oomc; [ "$__o" != "$a" ] && o=1; fi
  printf '\n%s %d %d\n' "$n" $rc $o
}
# The work tree against the baseline, new and deleted files included, through a throwaway index.
__diff() {
  local i=/tmp/.harvester-diff-index rc
  cd -- "$1" && rm -f $i && GIT_INDEX_FILE=$i git add -A &&
    GIT_INDEX_FILE=$i git -c core.attributesFile="$3" diff --cached --binary --full-index "$2"
  rc=$?; rm -f $i; return $rc
}
__call() { cd -- "$1" 2>/dev/null || { echo "workdir does not exist: $1"; exit 127; }; shift; exec "$@"; }
__raw() { local n=$1; shift; ( "$@" ) </dev/null 2>/dev/null; printf '\n%s %d 0\n' "$n" $?; }
__ctl() { local n=$1; shift; "$@" </dev/null 2>/dev/null; printf '\n%s %d 0\n' "$n" $?; }
# The request line is followed by exactly $2 bytes of base64 on this shell's own stdin. bash reads a
# pipe a byte at a time, so head takes exactly those; what the command leaves is drained, so no
# byte of data is ever read as a command (and base64 holds no spaces, should one be).
__feed() {
  local n=$1 size=$2; shift 2
  head -c "$size" | base64 -d | { "$@"; r=$?; cat >/dev/null; exit $r; } 2>&1
  printf '\n%s %d 0\n' "$n" $?
}
__put() { local d=${1%/*}; [ -z "$d" ] || mkdir -p -- "$d" || return; cat > "$1"; }
__untar() { mkdir -p -- "$1" && tar -x -C "$1"; }
printf 'ready %d\n' $$
"""

_READY = re.compile(rb"ready (\d+)\n")


@dataclass
class Reply:
    """What came back for one request: output (head and tail kept), counts and flags."""

    nonce: str
    cap: int
    head: bytearray = field(default_factory=bytearray)
    tail: bytearray = field(default_factory=bytearray)
    window: bytearray = field(default_factory=bytearray)
    total: int = 0
    exit_code: int = -1
    oom: bool = False
    done: bool = False

    def absorb(self, data: bytes) -> None:
        self.total += len(data)
        half = self.cap // 2
        room = half - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        self.tail += data
        if len(self.tail) > half:
            del self.tail[: len(self.tail) - half]


class StreamClosed(Exception):
    """The shell's stream ended (shell or container gone)."""


class Shell:
    """A bash process inside a container, fed lines over `docker exec -i`."""

    def __init__(self, container_id: str, docker_cmd: str = "docker") -> None:
        self._proc = subprocess.Popen(
            [docker_cmd, "exec", "-i", container_id, "bash", "--norc", "--noprofile"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0,
        )
        self._fd = self._proc.stdout.fileno()
        self.pid = 0
        self.send(PRELUDE)

    def wait_ready(self, timeout: float) -> None:
        buf = bytearray()
        deadline = time.monotonic() + timeout
        while not (m := _READY.search(buf)):
            chunk = self._read(deadline)
            if not chunk:
                raise TimeoutError(f"shell not ready within {timeout:.0f}s")
            buf += chunk
        self.pid = int(m.group(1))

    def start(self, argv: list[str], workdir: str, env: dict[str, str] | None, cap: int) -> Reply:
        """Send one command in a fresh subshell; read its reply with `collect`."""
        nonce = secrets.token_hex(8)
        words = _words(argv)
        if env:
            words = "env " + " ".join(shlex.quote(f"{k}={v}") for k, v in env.items()) + " " + words
        self.send(f"__run {nonce} __call {shlex.quote(workdir)} {words}\n")
        return Reply(nonce, cap)

    def send(self, data: str | bytes) -> None:
        try:
            view = memoryview(data.encode() if isinstance(data, str) else data)
            while view:  # a signal can cut a pipe write short
                view = view[self._proc.stdin.write(view):]
        except (BrokenPipeError, OSError, ValueError) as exc:
            raise StreamClosed(str(exc)) from exc

    def collect(self, reply: Reply, deadline: float, hard_cap: int) -> Reply:
        """Read until the sentinel, the deadline, or more than hard_cap bytes."""
        key = b"\n" + reply.nonce.encode() + b" "
        window = reply.window
        while reply.total <= hard_cap:
            chunk = self._read(deadline)
            if not chunk:
                return reply
            window += chunk
            end = window.find(key)
            if end >= 0 and window.endswith(b"\n"):
                reply.absorb(bytes(window[:end]))
                code, oom = window[end + len(key):].split()[:2]
                reply.exit_code, reply.oom, reply.done = int(code), oom == b"1", True
                window.clear()
                return reply
            keep = max(0, len(window) - len(key) - 32)
            reply.absorb(bytes(window[:keep]))
            del window[:keep]
        return reply

    def _read(self, deadline: float) -> bytes:
        left = deadline - time.monotonic()
        if left <= 0:
            return b""
        ready, _, _ = select.select([self._fd], [], [], left)
        if not ready:
            return b""
        chunk = os.read(self._fd, 1 << 20)
        if not chunk:
            raise StreamClosed("shell stream closed")
        return chunk

    def request(self, verb: str, args: list[str], timeout: float) -> tuple[int, bytes]:
        """Run a prelude verb (__raw, __ctl) and return its exit code and whole output."""
        nonce = secrets.token_hex(8)
        return self._ask(nonce, f"{verb} {nonce} {_words(args)}\n".encode(), timeout)

    def feed(self, args: list[str], payload: bytes, timeout: float) -> tuple[int, bytes]:
        """Run args (a prelude function or a program) with payload as its stdin."""
        nonce, data = secrets.token_hex(8), base64.encodebytes(payload)
        return self._ask(nonce, f"__feed {nonce} {len(data)} {_words(args)}\n".encode() + data, timeout)

    def _ask(self, nonce: str, request: bytes, timeout: float) -> tuple[int, bytes]:
        reply = Reply(nonce, cap=1 << 62)
        self.send(request)
        self.collect(reply, time.monotonic() + timeout, hard_cap=1 << 62)
        if not reply.done:
            raise TimeoutError(f"shell did not answer {request[:20]!r} within {timeout:.0f}s")
        return reply.exit_code, bytes(reply.head + reply.tail)

    def close(self) -> None:
        for stream in (self._proc.stdin, self._proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self._proc.kill()
        self._proc.wait()


def _words(args: list[str]) -> str:
    return " ".join(shlex.quote(a) for a in args)
