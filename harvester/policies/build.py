"""Make the policy of one episode from the run configuration."""

from __future__ import annotations

from typing import Any

from harvester.errors import ConfigError
from harvester.policies import Policy


def make_policy(config: Any, planned: Any, gate: Any = None) -> Policy:
    """config: RunConfig; planned: the episode (task, attempt, seed, episode_id); gate: shared limiter."""
    if config.policy == "openai":
        from harvester.policies.openai_policy import OpenAIPolicy
        return OpenAIPolicy(config.model, config.base_url, config.api_key(),
                            sampling=config.sampling.model_dump(exclude_none=True), seed=planned.seed,
                            timeout_s=config.request_timeout_s, max_retries=config.max_retries, gate=gate)
    if config.policy == "repair":
        from harvester.policies.repair import RepairPolicy
        return RepairPolicy(seed=planned.seed, budget=config.loop.budget)
    if config.policy == "replay":
        from harvester.policies.replay import ReplayPolicy
        matches = sorted(config.replay_from.glob(f"traces/{planned.task.id}/*.jsonl"))
        if not matches:
            raise ConfigError(f"{config.replay_from}: no trace of task {planned.task.id} to replay")
        same = [m for m in matches if m.stem.endswith(f".a{planned.attempt}.s{planned.seed}")]
        return ReplayPolicy(same[0] if same else matches[planned.attempt % len(matches)])
    raise ConfigError(f"unknown policy {config.policy!r}")
