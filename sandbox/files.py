"""File operations of a sandbox: read, write, copy a repo in, diff against its baseline commit."""

from __future__ import annotations

import io
import posixpath
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path

from sandbox.errors import SandboxError

_GIT = ["git", "-c", "user.name=harvester", "-c", "user.email=harvester@localhost", "-c", "core.hooksPath=/dev/null"]
_GIT_DATE = {"GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z"}


class FileOps:
    """Mixed into Sandbox; relies on its `config`, `container`, `baseline`, `exec` and `_request`."""

    def _abs(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self.config.workdir, path))

    def read_file(self, path: str) -> bytes:
        """Bytes of a file; FileNotFoundError if it is missing or unreadable."""
        code, data = self._request("__raw", ["cat", "--", self._abs(path)])
        if code != 0:
            raise FileNotFoundError(f"{self._abs(path)}: no such readable file in the sandbox")
        return data

    def read_text(self, path: str) -> str:
        return self.read_file(path).decode("utf-8", errors="replace")

    def write_file(self, path: str, data: bytes | str) -> None:
        """Create or replace a file (parents made as needed)."""
        raw = data.encode() if isinstance(data, str) else data
        code, out = self._request("__put", [self._abs(path)], payload=raw)
        if code != 0:
            raise OSError(f"{self._abs(path)}: write failed: {out.decode(errors='replace').strip()}")

    def remove_file(self, path: str) -> None:
        self._request("__raw", ["rm", "-f", "--", self._abs(path)])

    def copy_repo(self, src: Path, dest: str = "/repo") -> str:
        """Copy a host directory in as a git repo with one baseline commit; returns its sha.

        The commit is made on the host (fast native git), then tree and .git go in as one archive.
        """
        src = Path(src)
        if not src.is_dir():
            raise FileNotFoundError(f"repo path does not exist or is not a directory: {src}")
        name = posixpath.basename(dest)
        with tempfile.TemporaryDirectory(prefix="sandbox-git-") as tmp:
            sha = _baseline_commit(src, Path(tmp) / "git")
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w") as tar:
                tar.add(src, arcname=name, filter=_skip_git)
                tar.add(Path(tmp) / "git", arcname=f"{name}/.git", filter=_as_root)
        # Through the shell, not the daemon's archive endpoint: that costs ~100 ms on fuse-overlayfs.
        code, out = self._request("__untar", [posixpath.dirname(dest) or "/"], payload=buf.getvalue())
        if code != 0:
            detail = out.decode(errors="replace").strip()[-300:]
            raise SandboxError(f"copying {src} into the container failed: {detail}")
        self.baseline = sha
        return self.baseline

    def mark_baseline(self, repo: str = "/repo") -> str:
        """Record the root commit of a repo already in the image as the diff base."""
        code, out = self._request("__raw", ["git", "-C", repo, "rev-list", "--max-parents=0", "HEAD"])
        if code != 0:
            raise SandboxError(f"{repo} is not a git repository in the container")
        self.baseline = out.decode().split()[-1]
        return self.baseline

    def diff(self, repo: str = "/repo") -> str:
        """Diff of the work tree (new and deleted files too) against the baseline, always valid UTF-8.

        Files whose content is not UTF-8 (or binary) come out as git binary patches, which are ASCII.
        """
        out = self._git_diff(repo, "/dev/null")
        try:
            return out.decode("utf-8")
        except UnicodeDecodeError:
            pass
        attrs = "".join(f"{_glob_escape(p)} -diff\n" for p in _non_utf8_paths(out))
        self.write_file("/tmp/.harvester-diff-attrs", attrs)
        return self._git_diff(repo, "/tmp/.harvester-diff-attrs").decode("utf-8", "replace")

    def _git_diff(self, repo: str, attributes: str) -> bytes:
        base = self.baseline or self.mark_baseline(repo)
        code, out = self._request("__raw", ["__diff", repo, base, attributes])
        if code != 0:
            raise SandboxError(f"git diff failed in {repo} (exit {code})")
        return out


def _skip_git(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    parts = info.name.split("/")
    if ".git" in parts[1:] or "__pycache__" in parts:
        return None
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def _baseline_commit(src: Path, git_dir: Path) -> str:
    """Commit every file of src (minus .gitignored ones) into a fresh git dir; deterministic sha."""
    env = {**os.environ, **_GIT_DATE, "GIT_DIR": str(git_dir), "GIT_WORK_TREE": str(src),
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    # No hook samples and one pack instead of loose objects: few files, so the copy-in is fast.
    steps = [["git", "init", "-q", "-b", "main", "--template="], ["git", "config", "--unset", "core.worktree"],
             [*_GIT, "add", "-A"], [*_GIT, "commit", "-q", "--allow-empty", "-m", "baseline"],
             ["git", "repack", "-a", "-d", "-q"], ["git", "rev-parse", "HEAD"]]
    for step in steps:
        done = subprocess.run(step, env=env, capture_output=True, text=True)
        if done.returncode != 0 and step[1] != "config":
            raise SandboxError(f"git baseline commit of {src} failed: {done.stderr.strip()[-300:]}")
    return done.stdout.strip()


def _as_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def _non_utf8_paths(diff: bytes) -> list[str]:
    """Paths (as in `diff --git a/<path>`) of the file sections that are not valid UTF-8."""
    paths = []
    for section in diff.split(b"diff --git a/")[1:]:
        try:
            section.decode("utf-8")
        except UnicodeDecodeError:
            header = section.split(b"\n", 1)[0].decode("utf-8", "replace")
            paths.append(header.split(" b/", 1)[0])
    return paths


def _glob_escape(path: str) -> str:
    return "".join("\\" + c if c in "*?[]\\ \t#!" else c for c in path)
