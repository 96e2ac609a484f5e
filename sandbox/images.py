"""Images without a registry: a debootstrapped base, and cached layers keyed by content hash."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import docker
import docker.errors
from pydantic import BaseModel, ConfigDict, Field

from sandbox.apt import host_apt_source, host_proxy_env
from sandbox.errors import ImageBuildError

BASE_PACKAGES = ("python3", "python-is-python3", "python3-pip", "python3-venv", "python3-pytest", "git", "procps", "ca-certificates")
RECIPE_VERSION = "1"
_ENV = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
        "PIP_BREAK_SYSTEM_PACKAGES=1", "PIP_NO_INPUT=1", "PYTHONDONTWRITEBYTECODE=1"]


class BaseImageConfig(BaseModel):
    """How the base image is made."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    from_image: str | None = Field(None, description="Use this image (local or pullable) instead of debootstrap.")
    suite: str | None = Field(None, description="Debian suite to bootstrap; default: the host's codename.")
    packages: tuple[str, ...] = Field(BASE_PACKAGES, description="Debian packages in the base image.")


def image_exists(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.images.get(tag)
        return True
    except docker.errors.ImageNotFound:
        return False


def base_tag(config: BaseImageConfig) -> str:
    key = f"{RECIPE_VERSION}|{config.from_image}|{config.suite}|{','.join(config.packages)}"
    return "harvester-base:" + hashlib.sha256(key.encode()).hexdigest()[:12]


def ensure_base_image(client: docker.DockerClient, config: BaseImageConfig | None = None,
                      log=print) -> str:
    """Return the base image tag, building it once if it is missing."""
    config = config or BaseImageConfig()
    tag = base_tag(config)
    if image_exists(client, tag):
        return tag
    if config.from_image and _pull(client, config.from_image):
        log(f"building {tag} from {config.from_image}")
        run = f"apt-get update && apt-get install -y --no-install-recommends {' '.join(config.packages)}"
        return build_layer(client, config.from_image, tag, {}, [run], network=True)
    log(f"bootstrapping {tag} with debootstrap (about a minute)")
    _debootstrap_import(client, config, tag)
    return tag


def _pull(client: docker.DockerClient, image: str) -> bool:
    if image_exists(client, image):
        return True
    try:
        client.images.pull(image)
        return True
    except docker.errors.APIError:
        return False


def _debootstrap_import(client: docker.DockerClient, config: BaseImageConfig, tag: str) -> None:
    if shutil.which("debootstrap") is None:
        raise ImageBuildError("debootstrap is not installed (apt-get install debootstrap), and no base image is set")
    mirror, suite = host_apt_source()
    suite = config.suite or suite
    with tempfile.TemporaryDirectory(prefix="harvester-rootfs-") as tmp:
        root = Path(tmp) / "root"
        cmd = ["debootstrap", "--variant=minbase", f"--include={','.join(config.packages)}", suite, str(root), mirror]
        proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **host_proxy_env()})
        if proc.returncode != 0:
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
            raise ImageBuildError(f"debootstrap {suite} from {mirror} failed: {' | '.join(tail)}")
        _configure_rootfs(root)
        tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
        try:
            client.api.import_image_from_stream(tar.stdout, repository=tag.split(":")[0], tag=tag.split(":")[1],
                                                changes=[f"ENV {e}" for e in _ENV] + ['CMD ["bash"]'])
        finally:
            tar.stdout.close()
            tar.wait()
    if not image_exists(client, tag):
        raise ImageBuildError(f"docker import of {tag} failed")


def _configure_rootfs(root: Path) -> None:
    (root / "etc/gitconfig").write_text(
        "[user]\n\tname = harvester\n\temail = harvester@localhost\n[safe]\n\tdirectory = *\n"
        "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n")
    shutil.rmtree(root / "var/cache/apt/archives", ignore_errors=True)
    shutil.rmtree(root / "var/lib/apt/lists", ignore_errors=True)


def build_layer(client: docker.DockerClient, base: str, tag: str, files: dict[str, bytes | Path],
                run: list[str], network: bool = False) -> str:
    """Build `tag` FROM base, adding files (context path -> bytes or host path) and RUN steps."""
    lines = [f"FROM {base}"]
    if files:
        lines.append("COPY ctx/ /")
    lines += [f"RUN {cmd}" for cmd in run]
    context = _context("\n".join(lines) + "\n", files)
    try:
        client.images.build(fileobj=context, custom_context=True, tag=tag, rm=True, forcerm=True,
                            network_mode=None if network else "none", labels={"harvester": "1"})
    except docker.errors.BuildError as exc:
        log_tail = "".join(str(x.get("stream", x.get("error", ""))) for x in exc.build_log)[-600:]
        raise ImageBuildError(f"building {tag} failed: {exc.msg}: {log_tail.strip()}") from None
    except docker.errors.APIError as exc:
        raise ImageBuildError(f"building {tag} failed: {exc.explanation or exc}") from None
    return tag


def _context(dockerfile: str, files: dict[str, bytes | Path]) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        _add_bytes(tar, "Dockerfile", dockerfile.encode())
        for rel, src in sorted(files.items()):
            if isinstance(src, Path):
                tar.add(src, arcname=f"ctx/{rel}")
            else:
                _add_bytes(tar, f"ctx/{rel}", src)
    buf.seek(0)
    return buf


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o644
    tar.addfile(info, io.BytesIO(data))
