"""Read the host's own apt configuration: which mirror and suite, which proxy."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from sandbox.errors import ImageBuildError

APT_DIR = Path("/etc/apt")


def host_codename(os_release: Path = Path("/etc/os-release")) -> str:
    text = os_release.read_text() if os_release.exists() else ""
    match = re.search(r"^VERSION_CODENAME=\"?([a-z]+)", text, re.M)
    return match.group(1) if match else "bookworm"


def sources(apt_dir: Path = APT_DIR) -> list[tuple[str, str]]:
    """(uri, suite) pairs from sources.list, *.list and deb822 *.sources, in file order."""
    found: list[tuple[str, str]] = []
    files = [apt_dir / "sources.list", *sorted((apt_dir / "sources.list.d").glob("*"))]
    for path in files:
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        if path.suffix == ".sources":
            found += _deb822(text)
        elif path.name.endswith(".list"):
            for line in text.splitlines():
                parts = re.sub(r"\[[^]]*\]", "", line.split("#")[0]).split()
                if len(parts) >= 3 and parts[0] == "deb":
                    found.append((parts[1], parts[2]))
    return found


def _deb822(text: str) -> list[tuple[str, str]]:
    found = []
    for stanza in re.split(r"\n\s*\n", text):
        fields = dict(re.findall(r"^([A-Za-z-]+):\s*(.*)$", stanza, re.M))
        if "deb" not in fields.get("Types", "").split() or fields.get("Enabled", "yes") == "no":
            continue
        for uri in fields.get("URIs", "").split():
            found += [(uri, suite) for suite in fields.get("Suites", "").split()]
    return found


def host_apt_source(apt_dir: Path = APT_DIR) -> tuple[str, str]:
    """The host's mirror for its own release suite (not -updates or -security)."""
    codename = host_codename()
    for uri, suite in sources(apt_dir):
        if suite == codename:
            return uri.rstrip("/"), suite
    raise ImageBuildError(f"no apt source for suite '{codename}' in {apt_dir}; set a base image instead")


def host_proxy_env() -> dict[str, str]:
    """http_proxy/https_proxy from apt's Acquire::http(s)::Proxy, if set."""
    try:
        dump = subprocess.run(["apt-config", "dump"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return {}
    env = {}
    for scheme in ("http", "https"):
        match = re.search(rf'^Acquire::{scheme}::Proxy "([^"]+)";', dump, re.M)
        if match and match.group(1) not in ("DIRECT", "false"):
            env[f"{scheme}_proxy"] = match.group(1)
    return env
