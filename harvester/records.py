"""Every record harvester writes to disk: trace events and labels (versioned)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1
Outcome = Literal["resolved", "unresolved", "no_patch", "infra_error", "flaky"]
TestStatus = Literal["passed", "failed", "skipped", "xfailed", "xpassed", "error", "missing"]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FunctionCall(Record):
    """The function part of a tool call, exactly as the model sent it."""

    name: str = Field(description="Tool name the model asked for (may be unknown).")
    arguments: str = Field(description="Raw JSON text of the arguments, possibly malformed.")


class ToolCall(Record):
    """One tool call in an assistant message (OpenAI Chat Completions shape)."""

    id: str = Field(description="Call id; the answering tool message carries it.")
    type: Literal["function"] = Field("function", description="Always 'function'.")
    function: FunctionCall = Field(description="Name and raw arguments.")


class Message(Record):
    """One chat message as sent to the endpoint; `model_dump(exclude_none=True)` is the wire form."""

    role: Literal["system", "user", "assistant", "tool"] = Field(description="Speaker.")
    content: str | None = Field(None, description="Text; None only for an assistant turn with tool calls.")
    tool_calls: list[ToolCall] | None = Field(None, description="Tool calls of an assistant turn.")
    tool_call_id: str | None = Field(None, description="For role=tool: the call this answers.")

    def wire(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class Usage(Record):
    """Token counts as reported by the endpoint (or estimated by an offline policy)."""

    prompt_tokens: int = Field(0, description="Tokens in the request.")
    completion_tokens: int = Field(0, description="Tokens in the response.")
    total_tokens: int = Field(0, description="prompt + completion.")

    def __add__(self, other: Usage) -> Usage:
        return Usage(prompt_tokens=self.prompt_tokens + other.prompt_tokens,
                     completion_tokens=self.completion_tokens + other.completion_tokens,
                     total_tokens=self.total_tokens + other.total_tokens)


class Budget(Record):
    """Limits that end an episode with status 'budget'."""

    max_steps: int = Field(40, ge=1, description="Model calls per episode.")
    max_tokens: int = Field(400_000, ge=1, description="Total tokens (prompt + completion) per episode.")
    max_wall_s: float = Field(1800.0, gt=0, description="Wall-clock seconds per episode.")


class StartEvent(Record):
    """First line of a trace: full provenance and the initial messages."""

    type: Literal["start"] = "start"
    v: int = Field(SCHEMA_VERSION, description="Schema version.")
    ts: float = Field(description="Unix time.")
    episode_id: str = Field(description="Deterministic id from task, attempt and seed.")
    run: str = Field(description="Run name.")
    task_id: str = Field(description="Task id.")
    task_hash: str = Field(description="Content hash of the task.")
    attempt: int = Field(description="Attempt number, 0-based.")
    seed: int = Field(description="Seed given to the policy.")
    harvester_version: str = Field(description="Package version.")
    git_revision: str | None = Field(description="Git commit of harvester, when known.")
    image: str = Field(description="Image tag the sandbox started from.")
    image_id: str = Field(description="Image id (sha256) the sandbox started from.")
    policy: str = Field(description="Policy kind: openai, repair, replay, scripted.")
    model: str = Field(description="Model name (or the offline policy's name).")
    endpoint_host: str | None = Field(description="Host of the endpoint; never a key.")
    sampling: dict[str, Any] = Field(description="Sampling parameters sent with each request.")
    budget: Budget = Field(description="Limits in force.")
    tools: list[dict[str, Any]] = Field(description="Tool schemas as sent (OpenAI function tools).")
    messages: list[Message] = Field(description="Initial messages: system prompt and task message.")


class ModelEvent(Record):
    """One model call: what was appended to the history, and what came back."""

    type: Literal["model"] = "model"
    v: int = SCHEMA_VERSION
    ts: float = Field(description="Unix time when the response arrived.")
    step: int = Field(description="1-based model call number.")
    appended: list[Message] = Field(description="Messages added to the history since the previous request.")
    request_len: int = Field(description="Number of messages in this request.")
    response: Message = Field(description="The assistant message as received.")
    reasoning: str | None = Field(None, description="reasoning_content/reasoning, when the endpoint returned it.")
    finish_reason: str | None = Field(None, description="Endpoint's finish reason.")
    response_id: str | None = Field(None, description="Endpoint's response id.")
    usage: Usage = Field(description="Tokens of this call.")
    latency_s: float = Field(description="Seconds from request to response, retries included.")
    retries: int = Field(0, description="Retries before this response.")


class ToolEvent(Record):
    """One executed (or rejected) tool call."""

    type: Literal["tool"] = "tool"
    v: int = SCHEMA_VERSION
    ts: float = Field(description="Unix time when the tool finished.")
    step: int = Field(description="Model call that issued it.")
    call_id: str = Field(description="Tool call id.")
    name: str = Field(description="Tool name as sent.")
    arguments: str = Field(description="Raw argument text as sent.")
    output: str = Field(description="Exactly the text fed back to the model.")
    exit_code: int | None = Field(None, description="Command exit code (shell), 0/1 for other tools.")
    timed_out: bool = Field(False, description="The command hit its timeout.")
    output_bytes: int = Field(0, description="Bytes the command produced before capping.")
    duration_s: float = Field(description="Seconds spent executing the tool.")
    error: str | None = Field(None, description="Why the call was malformed (bad JSON, unknown tool, bad field).")


class EndEvent(Record):
    """Last line of a complete trace."""

    type: Literal["end"] = "end"
    v: int = SCHEMA_VERSION
    ts: float = Field(description="Unix time.")
    status: Literal["finished", "budget", "error"] = Field(description="How the episode ended.")
    reason: str = Field(description="Code and detail, e.g. 'no_tool_calls', 'max_steps', 'endpoint: 401'.")
    infra_error: bool = Field(False, description="True when the machinery (endpoint, Docker) failed, not the model.")
    diff: str = Field(description="Final repo diff against the baseline commit.")
    steps: int = Field(description="Model calls made.")
    usage: Usage = Field(description="Total tokens.")
    wall_s: float = Field(description="Episode wall time.")
    model_s: float = Field(description="Seconds waiting on the model.")
    tool_s: float = Field(description="Seconds executing tools.")


TraceEvent = Annotated[Union[StartEvent, ModelEvent, ToolEvent, EndEvent], Field(discriminator="type")]


class Label(Record):
    """The verdict of clean-room grading for one episode (one line of labels.jsonl)."""

    v: int = SCHEMA_VERSION
    episode_id: str = Field(description="Episode graded.")
    task_id: str = Field(description="Task id.")
    trace: str = Field(description="Trace path relative to the run directory.")
    resolved: bool = Field(description="Every fail_to_pass and pass_to_pass test passed, in every run.")
    outcome: Outcome = Field(description="resolved, unresolved, no_patch, infra_error or flaky.")
    tamper: list[str] = Field(description="Sorted tamper flags; empty when clean.")
    tests: dict[str, TestStatus] = Field(description="Status per listed test id (first grading run).")
    fail_to_pass: tuple[int, int] = Field(description="(passed, total) of fail_to_pass.")
    pass_to_pass: tuple[int, int] = Field(description="(passed, total) of pass_to_pass.")
    graded_patch: str = Field(description="The diff applied in the grading container.")
    excluded_paths: list[str] = Field(description="Paths of the agent's diff left out (tests, config, hooks).")
    runs: list[bool] = Field(description="Resolved verdict of each grading run.")
    infra_reason: str | None = Field(None, description="What broke, for infra_error.")
    grade_s: float = Field(description="Seconds spent grading.")


class KeptEpisode(Record):
    """One line of kept.jsonl (or negatives.jsonl): an episode chosen by the filters, with its label summary."""

    v: int = SCHEMA_VERSION
    episode_id: str = Field(description="Episode id.")
    task_id: str = Field(description="Task id.")
    trace: str = Field(description="Trace path relative to the run directory.")
    model: str = Field(description="Model (or offline policy) that produced the episode.")
    outcome: Outcome = Field(description="Label outcome.")
    tamper: list[str] = Field(description="Tamper flags of the label.")
    fail_to_pass: tuple[int, int] = Field(description="(passed, total) of fail_to_pass.")
    pass_to_pass: tuple[int, int] = Field(description="(passed, total) of pass_to_pass.")
    steps: int = Field(description="Model calls in the episode.")
    tokens: int = Field(description="Tokens of the exported row: prompt + completion of the last model call.")


class DropsReport(Record):
    """drops.json: how many episodes each filter dropped, overall and per task."""

    v: int = SCHEMA_VERSION
    total: int = Field(description="Episodes seen (traces plus labels naming a missing trace).")
    kept: int = Field(description="Episodes in kept.jsonl.")
    negatives: int = Field(description="Episodes in negatives.jsonl (rejected side of preference pairs).")
    by_reason: dict[str, int] = Field(description="Dropped episodes per reason code (first failing filter).")
    by_task: dict[str, dict[str, int]] = Field(description="Per task: 'kept' and dropped counts per reason code.")
    lengths: dict[str, int] = Field(description="Token lengths of kept rows: min, p50, p90, max, and rows over 1024/8192/32768.")
    warnings: list[str] = Field(description="One line per unreadable input (corrupt trace, bad label line, missing trace).")


class ExportMeta(Record):
    """One line of export/meta.jsonl: which episode(s) an exported row came from. Trainers never read it."""

    v: int = SCHEMA_VERSION
    file: str = Field(description="Export file name, e.g. sft.openai.jsonl.")
    row: int = Field(description="0-based row index in that file.")
    episode_id: str = Field(description="Episode of the row (the preferred one for a preference pair).")
    task_id: str = Field(description="Task id.")
    model: str = Field(description="Model that produced the episode.")
    outcome: Outcome = Field(description="Label outcome of the episode.")
    trace: str = Field(description="Trace path relative to the run directory.")
    rejected_episode_id: str | None = Field(None, description="Preference pairs: the non-preferred episode.")
    rejected_trace: str | None = Field(None, description="Preference pairs: its trace path.")


class TaskSummary(Record):
    """Per-task figures in summary.json."""

    attempts: int = Field(description="Episodes found for the task (trace files or labels).")
    complete: int = Field(description="Episodes whose trace has an end event.")
    graded: int = Field(description="Labelled episodes that are not infrastructure errors: n of pass@k.")
    resolved: int = Field(description="Episodes labelled resolved: c of pass@k.")
    pass_at_1: float | None = Field(description="resolved / graded; None when nothing was graded.")
    pass_at_k: float | None = Field(description="Unbiased 1 - C(n-c,k)/C(n,k); None when nothing was graded.")
    k: int = Field(description="k used for pass_at_k: the run's attempts, capped at graded.")
    mean_steps: float | None = Field(description="Mean model calls over complete episodes.")
    prompt_tokens: int = Field(description="Prompt tokens over all episodes.")
    completion_tokens: int = Field(description="Completion tokens over all episodes.")
    mean_wall_s: float | None = Field(description="Mean episode wall time over complete episodes.")
    outcomes: dict[str, int] = Field(description="Episodes per outcome (label outcome, or incomplete/ungraded).")
    infra_errors: int = Field(description="Episodes that failed on infrastructure (trace end or label).")
    infra_reasons: dict[str, int] = Field(description="Infrastructure failures per reason text.")


class Summary(Record):
    """summary.json: the run at a glance (recomputed from the run directory)."""

    v: int = SCHEMA_VERSION
    run: str = Field(description="Run name.")
    policy: str | None = Field(description="Policy kind from config.json.")
    model: str | None = Field(description="Model from config.json.")
    k: int = Field(description="Attempts per task (k of pass@k).")
    episodes: int = Field(description="Episodes found.")
    complete: int = Field(description="Episodes with an end event.")
    graded: int = Field(description="Episodes counted by pass@k.")
    resolved: int = Field(description="Episodes labelled resolved.")
    exported: int = Field(description="Rows in export/sft.openai.jsonl.")
    infra_errors: int = Field(description="Episodes that failed on infrastructure.")
    pass_at_1: float | None = Field(description="Mean pass@1 over tasks with graded episodes.")
    pass_at_k: float | None = Field(description="Mean pass@k over tasks with graded episodes.")
    prompt_tokens: int = Field(description="Prompt tokens over all episodes.")
    completion_tokens: int = Field(description="Completion tokens over all episodes.")
    cost: float | None = Field(description="Cost from config.json's price table; None without prices.")
    episode_wall_s: float = Field(description="Sum of episode wall times.")
    span_s: float = Field(description="From the first episode start to the last episode end.")
    tasks: dict[str, TaskSummary] = Field(description="Per-task figures, by task id.")
    kept: int | None = Field(description="Episodes kept by the filters (drops.json); None before filtering.")
    drops: dict[str, int] = Field(description="Dropped episodes per reason code (drops.json).")
    warnings: list[str] = Field(description="One line per unreadable input (corrupt trace, bad label line).")
