"""The run configuration: harvest.toml, overridden by flags and the OpenAI environment variables."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from harvester.errors import ConfigError
from harvester.filters import FilterConfig
from harvester.loop import LoopConfig
from sandbox import SandboxConfig


class Sampling(BaseModel):
    """Sampling parameters sent with every request (None: the endpoint's default)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    temperature: float | None = Field(0.7, description="Sampling temperature.")
    top_p: float | None = Field(None, description="Nucleus sampling.")
    max_tokens: int | None = Field(4096, description="Max tokens per response.")


class Prices(BaseModel):
    """Price per million tokens, for the cost line of the summary."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    input_per_mtok: float = Field(ge=0, description="Price of a million prompt tokens.")
    output_per_mtok: float = Field(ge=0, description="Price of a million completion tokens.")


class RunConfig(BaseModel):
    """Everything a run needs; written resolved to runs/<name>/config.json (never the key)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field("default", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", description="Run name: runs/<name>/.")
    tasks: list[Path] = Field([Path("task_repos")], description="Task dirs, or dirs of task dirs.")
    out: Path = Field(Path("runs"), description="Parent directory of run directories.")
    policy: Literal["auto", "openai", "repair", "replay"] = Field(
        "auto", description="auto: openai when an endpoint is configured, else the offline repair policy.")
    model: str | None = Field(None, description="Model name (or OPENAI_MODEL).")
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint (or OPENAI_BASE_URL).")
    api_key_env: str = Field("OPENAI_API_KEY", description="Environment variable holding the API key.")
    replay_from: Path | None = Field(None, description="Run directory whose traces the replay policy re-issues.")
    attempts: int = Field(2, ge=1, description="Episodes per task (k of pass@k).")
    concurrency: int = Field(2, ge=1, description="Episodes running at once, each in its own container.")
    seed: int = Field(0, description="Base seed; attempt i uses seed + i.")
    sampling: Sampling = Field(Sampling(), description="Sampling parameters.")
    request_timeout_s: float = Field(120.0, gt=0, description="Per-request timeout of the endpoint.")
    max_retries: int = Field(6, ge=0, description="Retries of a failed request (429, 5xx, timeouts).")
    model_concurrency: int = Field(4, ge=1, description="Model requests in flight at once, across episodes.")
    token_budget: int | None = Field(None, ge=1, description="Run-wide token budget; no new episode starts past it.")
    prices: Prices | None = Field(None, description="Optional price table for the summary's cost.")
    grade_runs: int = Field(1, ge=1, description="Grading runs per episode; disagreement labels it flaky.")
    loop: LoopConfig = Field(LoopConfig(), description="Prompts, budgets, tool timeouts.")
    filters: FilterConfig = Field(FilterConfig(), description="Which traces become training data.")
    sandbox: SandboxConfig = Field(SandboxConfig(), description="Container limits.")

    @property
    def run_dir(self) -> Path:
        return self.out / self.name

    @property
    def endpoint_host(self) -> str | None:
        return urlparse(self.base_url).hostname if self.base_url else None

    def api_key(self) -> str | None:
        return os.environ.get(self.api_key_env) or None


def load_config(path: Path | None, overrides: dict[str, Any]) -> RunConfig:
    """Read harvest.toml (if given), apply flag overrides and environment, resolve the policy."""
    data: dict[str, Any] = {}
    where = str(path) if path else "flags"
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    data.update({k: v for k, v in overrides.items() if v is not None})
    data.setdefault("base_url", os.environ.get("OPENAI_BASE_URL") or None)
    data.setdefault("model", os.environ.get("OPENAI_MODEL") or None)
    try:
        config = RunConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        message = {"extra_forbidden": "unknown key", "missing": "missing required field"}.get(first["type"], first["msg"])
        raise ConfigError(f"{where}: field '{field}': {message}") from None
    return _resolve_policy(config, where)


def _resolve_policy(config: RunConfig, where: str) -> RunConfig:
    policy = config.policy
    if policy == "auto":
        policy = "openai" if config.base_url else "repair"
    if policy == "openai":
        if not config.base_url:
            raise ConfigError(f"{where}: field 'base_url': policy 'openai' needs an endpoint (--base-url or OPENAI_BASE_URL)")
        if not config.api_key():
            raise ConfigError(f"{where}: field 'api_key_env': policy 'openai' needs a key in ${config.api_key_env}")
        if not config.model:
            raise ConfigError(f"{where}: field 'model': policy 'openai' needs a model (--model or OPENAI_MODEL)")
    if policy == "replay" and not (config.replay_from and config.replay_from.is_dir()):
        raise ConfigError(f"{where}: field 'replay_from': policy 'replay' needs an existing run directory")
    model = config.model if policy == "openai" else {"repair": "repair-v1", "replay": "replay"}[policy]
    return config.model_copy(update={"policy": policy, "model": model})


def public_dump(config: RunConfig) -> dict[str, Any]:
    """The resolved configuration as written to config.json (paths as strings, no secrets)."""
    return config.model_dump(mode="json")


def check_endpoint(config: RunConfig, timeout_s: float = 10.0) -> None:
    """Fail fast, in one line, when the endpoint cannot be reached at all (any HTTP answer is fine)."""
    import httpx

    if config.policy != "openai":
        return
    url = config.base_url.rstrip("/") + "/models"
    try:
        httpx.get(url, headers={"Authorization": f"Bearer {config.api_key()}"}, timeout=timeout_s)
    except httpx.HTTPError as exc:
        raise ConfigError(f"endpoint {config.base_url} is unreachable: {type(exc).__name__}: {exc}") from None
