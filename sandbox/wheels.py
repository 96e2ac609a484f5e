"""Per-environment image layers: wheels downloaded on the host, installed offline in the image."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import docker

from sandbox.errors import ImageBuildError
from sandbox.images import build_layer, image_exists


def env_tag(base: str, dependencies: list[str], setup: list[str]) -> str:
    key = "\n".join([base, *sorted(dependencies), "--", *setup])
    return "harvester-env:" + hashlib.sha256(key.encode()).hexdigest()[:12]


def download_wheels(dependencies: list[str], dest: Path, python_version: str = "3.11") -> None:
    """pip download on the host (its proxy and CA settings apply) into a wheelhouse."""
    dest.mkdir(parents=True, exist_ok=True)
    base = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "-d", str(dest)]
    pinned = ["--only-binary=:all:", "--python-version", python_version, "--implementation", "cp",
              "--platform", "manylinux2014_x86_64", "--platform", "linux_x86_64", "--platform", "any"]
    proc = subprocess.run(base + pinned + dependencies, capture_output=True, text=True)
    if proc.returncode != 0:
        proc = subprocess.run(base + dependencies, capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["unknown error"]
        raise ImageBuildError(f"pip download {' '.join(dependencies)} failed: {last[0]}")


def ensure_env_image(client: docker.DockerClient, base: str, dependencies: list[str], setup: list[str],
                     cache_dir: Path, python_version: str = "3.11") -> str:
    """The base plus a task environment's dependencies, built once per content hash."""
    if not dependencies and not setup:
        return base
    tag = env_tag(base, dependencies, setup)
    if image_exists(client, tag):
        return tag
    files: dict[str, bytes | Path] = {}
    run = []
    if dependencies:
        wheelhouse = cache_dir / "wheels" / tag.split(":")[1]
        download_wheels(dependencies, wheelhouse, python_version)
        files = {f"opt/wheels/{p.name}": p for p in sorted(wheelhouse.iterdir())}
        quoted = " ".join(f"'{d}'" for d in dependencies)
        run.append(f"python3 -m pip install --no-index --find-links /opt/wheels {quoted}")
    run += setup
    return build_layer(client, base, tag, files, run)
