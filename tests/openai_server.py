"""A real Chat Completions endpoint on 127.0.0.1 for tests, answering from a script.

    from openai_server import ChatServer, check_history, drop, error, final, raw, slow, tool_calls

    with ChatServer([tool_calls(("shell", {"command": ["ls"]})), final("done")]) as server:
        policy = OpenAIPolicy("m", server.base_url, "sk-test", ...)
        ...
    server.requests   # every POST /v1/chat/completions body (parsed JSON), in arrival order
    server.headers    # the matching request headers (lower-case names)

Each request consumes the next script item:
- tool_calls((name, arguments), ..., content=None, reasoning=None, reasoning_key="reasoning_content"):
  an assistant message with tool calls; a dict argument is JSON-encoded, a str is sent as-is (even
  malformed). Call ids are "call_<request number>_<n>" unless given as a third tuple element.
- final(text, reasoning=None, reasoning_key="reasoning_content"): an answer without tool calls.
- error(status, headers=None, message="..."): an OpenAI-style error body, e.g. error(429, {"Retry-After": "1"}).
- raw(status, body_bytes, headers=None): any bytes (e.g. a 200 whose body is not JSON).
- slow(seconds, item): wait, then answer with `item` (the client may have given up by then).
- drop(): read the request, then close the connection without answering.
When the script is used up the server answers 500 "script exhausted". Usage is prompt=10, completion=5.
check_history(messages) asserts a message list is a valid OpenAI history (every call answered in order).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Item:
    """One scripted answer."""

    status: int = 200
    message: dict[str, Any] | None = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    drop: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def tool_calls(*calls: tuple, content: str | None = None, reasoning: str | None = None,
               reasoning_key: str = "reasoning_content") -> Item:
    specs = [{"name": c[0], "arguments": c[1] if isinstance(c[1], str) else json.dumps(c[1]),
              "id": c[2] if len(c) > 2 else None} for c in calls]
    extra = {reasoning_key: reasoning} if reasoning is not None else {}
    return Item(message={"role": "assistant", "content": content, "tool_calls": specs}, extra=extra)


def final(text: str, reasoning: str | None = None, reasoning_key: str = "reasoning_content") -> Item:
    extra = {reasoning_key: reasoning} if reasoning is not None else {}
    return Item(message={"role": "assistant", "content": text}, extra=extra)


def error(status: int, headers: dict[str, str] | None = None, message: str = "scripted error") -> Item:
    body = json.dumps({"error": {"message": message, "type": "server_error", "code": status}}).encode()
    return Item(status=status, body=body, headers=headers or {})


def raw(status: int, body: bytes, headers: dict[str, str] | None = None) -> Item:
    return Item(status=status, body=body, headers=headers or {})


def slow(seconds: float, item: Item) -> Item:
    item.delay_s = seconds
    return item


def drop() -> Item:
    return Item(drop=True)


class ChatServer:
    """The server; use as a context manager. `base_url` ends in /v1 like OpenAI's."""

    def __init__(self, script: list[Item]) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> ChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)

    def take(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Item]:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            number = len(self.requests)
            item = self.script.pop(0) if self.script else error(500, message="script exhausted")
        return number, item


def _completion(number: int, item: Item, model: str) -> bytes:
    message = dict(item.message or {}, **item.extra)
    if message.get("tool_calls"):
        message["tool_calls"] = [
            {"id": c["id"] or f"call_{number}_{n}", "type": "function",
             "function": {"name": c["name"], "arguments": c["arguments"]}}
            for n, c in enumerate(message["tool_calls"])]
    finish = "tool_calls" if message.get("tool_calls") else "stop"
    return json.dumps({
        "id": f"chatcmpl-{number}", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }).encode()


def _handler(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.loads(data)
            number, item = server.take(body, {k.lower(): v for k, v in self.headers.items()})
            time.sleep(item.delay_s)
            if item.drop:
                self.close_connection = True
                return
            payload = item.body if item.body is not None else _completion(number, item, body.get("model", ""))
            try:
                self.send_response(item.status)
                for name, value in {"Content-Type": "application/json", **item.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (timeout) before we answered

    return Handler


def check_history(messages: list[dict[str, Any]]) -> None:
    """Assert an OpenAI message list is well formed: every tool call is answered, in order, by a tool
    message with its id before the next assistant or user message, and no tool message is unsolicited."""
    pending: list[str] = []
    for n, message in enumerate(messages):
        if message["role"] == "tool":
            assert pending, f"message {n}: tool message answers no pending call"
            assert message["tool_call_id"] == pending.pop(0), f"message {n}: tool_call_id out of order"
            assert isinstance(message["content"], str), f"message {n}: tool content is not a string"
            continue
        assert not pending, f"message {n}: calls {pending} were not answered"
        if message["role"] == "assistant":
            pending = [call["id"] for call in message.get("tool_calls") or []]
            assert all(isinstance(c["function"]["arguments"], str) for c in message.get("tool_calls") or [])
    assert not pending, f"calls {pending} were not answered at the end"
