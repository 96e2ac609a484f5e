"""A policy backed by any OpenAI-compatible Chat Completions endpoint, with bounded retries."""

from __future__ import annotations

import contextlib
import email.utils
import json
import random
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import urlsplit

import openai

from harvester.errors import PolicyError
from harvester.policies import Reply
from harvester.records import FunctionCall, Message, ToolCall, Usage

RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529})
MAX_RETRY_AFTER_S = 120.0


class OpenAIPolicy:
    """Chat Completions with tools; the assistant message is returned exactly as the endpoint sent it.

    Retries 429 (honouring Retry-After), 5xx, timeouts, dropped connections and unreadable bodies with
    capped exponential backoff, at most `max_retries` times; anything else raises PolicyError(infra=True).
    `gate`, when given, is a context-manager factory entered around each HTTP request (a run-wide limiter).
    """

    kind = "openai"

    def __init__(self, model: str, base_url: str, api_key: str | None, sampling: dict[str, Any] | None = None,
                 seed: int | None = None, timeout_s: float = 600.0, max_retries: int = 6, http_client=None,
                 gate: Callable[[], AbstractContextManager] | None = None, backoff_s: float = 1.0,
                 max_backoff_s: float = 60.0) -> None:
        self.model = model
        parts = urlsplit(base_url)
        self.endpoint_host = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname
        self.sampling: dict[str, Any] = {"tool_choice": "auto", "parallel_tool_calls": True, **(sampling or {})}
        if seed is not None:
            self.sampling["seed"] = seed
        self.max_retries = max_retries
        self.backoff_s, self.max_backoff_s = backoff_s, max_backoff_s
        self._gate = gate or contextlib.nullcontext
        # The client must not retry on its own: our loop counts and bounds every retry.
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key or "unused", timeout=timeout_s,
                                     max_retries=0, http_client=http_client)

    def next(self, messages: list[Message], tools: list[dict[str, Any]]) -> Reply:
        request = {"model": self.model, "messages": [m.wire() for m in messages], "tools": tools, **self.sampling}
        retries = 0
        while True:
            try:
                with self._gate():
                    completion = self._client.chat.completions.create(**request)
                return _reply(completion, retries)
            except openai.APIStatusError as exc:
                if exc.status_code not in RETRYABLE_STATUS:
                    raise PolicyError(f"endpoint {self.endpoint_host}: HTTP {exc.status_code}: {_short(exc)}") from None
                error, wait = f"HTTP {exc.status_code}", _retry_after(exc.response.headers)
            except openai.APITimeoutError:
                error, wait = "request timed out", None
            except openai.APIConnectionError as exc:
                error, wait = f"connection failed: {_short(exc.__cause__ or exc)}", None
            except (openai.APIResponseValidationError, json.JSONDecodeError, _Unreadable) as exc:
                error, wait = f"unreadable response: {_short(exc)}", None
            if retries >= self.max_retries:
                raise PolicyError(f"endpoint {self.endpoint_host}: giving up after {retries} retries: {error}")
            retries += 1
            time.sleep(wait if wait is not None else self._backoff(retries))

    def close(self) -> None:
        """Release the HTTP connections."""
        self._client.close()

    def _backoff(self, retry: int) -> float:
        return min(self.max_backoff_s, self.backoff_s * 2 ** (retry - 1)) * random.uniform(0.5, 1.0)


class _Unreadable(ValueError):
    """A 200 answer without a usable choice."""


def _reply(completion: Any, retries: int) -> Reply:
    """The Reply of a completion: message as received, reasoning from the extra fields, usage."""
    choices = getattr(completion, "choices", None)
    if not choices or getattr(choices[0], "message", None) is None:
        raise _Unreadable("no choices in the response")
    choice = choices[0]
    raw = choice.message
    calls = [ToolCall(id=tc.id or f"call_{n}", function=FunctionCall(
                 name=tc.function.name or "", arguments=tc.function.arguments or ""))
             for n, tc in enumerate(raw.tool_calls or []) if getattr(tc, "function", None) is not None]
    extra = raw.model_extra or {}
    reasoning = extra.get("reasoning_content") or extra.get("reasoning")
    usage = completion.usage
    return Reply(
        message=Message(role="assistant", content=raw.content, tool_calls=calls or None),
        usage=Usage(prompt_tokens=usage.prompt_tokens or 0, completion_tokens=usage.completion_tokens or 0,
                    total_tokens=usage.total_tokens or 0) if usage else Usage(),
        reasoning=None if reasoning is None else str(reasoning), finish_reason=choice.finish_reason,
        response_id=completion.id, retries=retries)


def _retry_after(headers) -> float | None:
    """Seconds the server asked us to wait (retry-after-ms, retry-after seconds or HTTP date), capped."""
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if not value:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            seconds = _until(value) if name == "retry-after" else -1.0
        if seconds >= 0:
            return min(seconds, MAX_RETRY_AFTER_S)
    return None


def _until(http_date: str) -> float:
    try:
        return max(0.0, email.utils.parsedate_to_datetime(http_date).timestamp() - time.time())
    except (TypeError, ValueError):
        return -1.0


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "message", None) or exc or type(exc).__name__)
    return " ".join(text.split())[:200] or type(exc).__name__
