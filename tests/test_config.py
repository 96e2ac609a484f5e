"""harvest.toml: documented field by field, validated with one-line errors, overridden by flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.config import RunConfig, Sampling, load_config
from harvester.errors import ConfigError
from harvester.filters import FilterConfig
from harvester.loop import LoopConfig
from harvester.records import Budget
from sandbox import SandboxConfig

ROOT = Path(__file__).resolve().parents[1]


def test_every_field_is_documented():
    doc = (ROOT / "docs" / "config.md").read_text()
    for prefix, model in [("", RunConfig), ("sampling.", Sampling), ("loop.", LoopConfig),
                          ("loop.budget.", Budget), ("filters.", FilterConfig), ("sandbox.", SandboxConfig)]:
        for name in model.model_fields:
            assert f"`{prefix}{name}`" in doc, f"docs/config.md lacks {prefix}{name}"


def test_shipped_config_loads_and_flags_override(monkeypatch):
    for var in ("OPENAI_BASE_URL", "OPENAI_MODEL", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    config = load_config(ROOT / "harvest.toml", {"attempts": 3, "concurrency": None})
    assert config.attempts == 3 and config.concurrency == 2 and config.policy == "repair"
    assert config.model == "repair-v1" and config.run_dir == Path("runs/default")


def test_endpoint_from_environment_selects_openai(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")
    monkeypatch.setenv("OPENAI_MODEL", "qwen")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    config = load_config(None, {})
    assert (config.policy, config.model, config.endpoint_host) == ("openai", "qwen", "127.0.0.1")
    assert "sk-secret" not in config.model_dump_json()


@pytest.mark.parametrize("text, message", [
    ("concurrency = 'two'\n", "field 'concurrency': Input should be a valid integer"),
    ("[loop.budget]\nmax_step = 3\n", "field 'loop.budget.max_step': unknown key"),
    ("attempts = \n", "invalid TOML"),
    ("[filters]\nper_task_cap = -1\n", "field 'filters.per_task_cap'"),
])
def test_bad_config_names_file_and_field(tmp_path, text, message):
    path = tmp_path / "harvest.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path, {})
    assert str(info.value).startswith(str(path)) and message in str(info.value)
    assert "\n" not in str(info.value)
