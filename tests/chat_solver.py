"""A conversation-aware Chat Completions server on 127.0.0.1 that works any shipped task.

It reads the request, not a fixed script, so concurrent episodes can share it:
turn 1 runs the tests; turn 2 applies the task's solution with `git apply` when the request's seed
is even (and makes an unhelpful edit when odd); turn 3 answers without tool calls. The solution is found
by matching the task statement in the user message against `tasks`.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from harvester.task import Task, read_solution


def _reply(body: dict[str, Any], tasks: list[Task]) -> dict[str, Any]:
    messages = body["messages"]
    turn = sum(1 for m in messages if m["role"] == "assistant")
    user = next(m["content"] for m in messages if m["role"] == "user")
    task = next(t for t in tasks if t.statement.strip()[:200] in user)
    if turn == 0:
        call = {"command": ["bash", "-lc", task.test_command], "workdir": "/repo"}
    elif turn == 1 and body.get("seed", 0) % 2 == 0:
        script = f"git apply <<'PATCH_EOF'\n{read_solution(task)}PATCH_EOF"
        call = {"command": ["bash", "-lc", script], "workdir": "/repo"}
    elif turn == 1:
        script = "f=$(git ls-files '*.py' | grep -v test | head -1); echo '# looked here' >> $f; git status --short"
        call = {"command": ["bash", "-lc", script], "workdir": "/repo"}
    else:
        return {"role": "assistant", "content": f"Finished working on {task.id}."}
    tool_call = {"id": f"call_{turn}", "type": "function", "function": {"name": "shell", "arguments": json.dumps(call)}}
    return {"role": "assistant", "content": None, "tool_calls": [tool_call]}


class SolverServer:
    """Use as a context manager; `base_url` points the openai client here; `requests` counts calls."""

    def __init__(self, tasks: list[Task]) -> None:
        self.tasks, self.requests = tasks, 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                self._send(200, {"object": "list", "data": [{"id": "solver", "object": "model"}]})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests += 1
                message = _reply(body, outer.tasks)
                self._send(200, {"id": f"chatcmpl-{outer.requests}", "object": "chat.completion", "created": 0,
                                 "model": body["model"], "choices": [{"index": 0, "message": message,
                                 "finish_reason": "tool_calls" if "tool_calls" in message else "stop"}],
                                 "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}})

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> SolverServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
