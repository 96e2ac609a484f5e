"""Exports: each training format is a pure rewrite of the canonical record (harvester.canonical).

Modules: openai (OpenAI chat fine-tuning), hf (Hugging Face TRL/axolotl), sharegpt (LLaMA-Factory),
text (tool calls flattened into text), dpo (preference pairs, OpenAI and TRL), meta (the files and
their sidecar), driver (`export_run`, streaming one trace at a time).
"""

from harvester.errors import HarvesterError


class Unrepresentable(HarvesterError, ValueError):
    """The episode cannot be written in this format without changing what the model saw; the row is skipped."""
