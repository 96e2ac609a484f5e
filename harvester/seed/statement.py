"""Problem statements for seeded tasks: from the failing tests and their messages, never from the fix."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import openai
from pydantic import BaseModel, ConfigDict, Field

from harvester.junit import mangle
from harvester.leaks import statement_leaks

MAX_LISTED = 8
MAX_MESSAGE_CHARS = 200
MODEL_TIMEOUT_S = 120.0
SYSTEM = ("You write GitHub issues for a Python library. Describe the misbehaviour a user would notice, with a "
          "short runnable ```python reproduction that fails now and passes once the library is fixed, and the "
          "expected behaviour. Never propose a fix and never quote the library's implementation.")


class Endpoint(BaseModel):
    """An OpenAI-compatible endpoint that writes statements."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    model: str = Field(description="Model name.")
    base_url: str = Field(description="Endpoint URL, ending in /v1.")
    api_key: str | None = Field(None, repr=False, description="Key (from the environment; never written).")


def failure_messages(xml: str | bytes, node_ids: list[str]) -> dict[str, str]:
    """Node id -> the first line of its failure or error message in a JUnit report (ids without one left out)."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return {}
    wanted = {mangle(node_id): node_id for node_id in node_ids}
    found = {}
    for case in root.iter("testcase"):
        node_id = wanted.get((case.get("classname", ""), case.get("name", "")))
        problem = case.find("failure")
        problem = problem if problem is not None else case.find("error")
        if node_id is None or problem is None:
            continue
        text = (problem.get("message") or problem.text or "").strip()
        line = text.splitlines()[0].strip() if text else ""
        if line:
            found[node_id] = line[:MAX_MESSAGE_CHARS]
    return found


def template(project: str, failing: list[str], messages: dict[str, str]) -> str:
    """An issue listing the failing tests with their messages."""
    count = len(failing)
    title = f"{project}: a test fails" if count == 1 else f"{project}: {count} tests fail"
    rows = []
    for node_id in failing[:MAX_LISTED]:
        message = messages.get(node_id)
        rows.append(f"- `{node_id}`" + (f"\n  ```\n  {message}\n  ```" if message else ""))
    if count > MAX_LISTED:
        rows.append(f"- ... and {count - MAX_LISTED} more")
    one = count == 1
    return "\n".join([
        title, "", f"{'This test' if one else 'These tests'} from the full test suite {'fails' if one else 'fail'}"
        " against the current code (the tests are not in this checkout):", "", *rows, "",
        f"Expected: {'it passes' if one else 'they pass'} and the existing tests keep passing. The tests describe",
        "the intended behaviour; the problem is in the library code.", ""])


def safe_template(project: str, failing: list[str], messages: dict[str, str], solution: str) -> str:
    """The template, without any message that repeats a line of the solution."""
    kept = {node_id: message for node_id, message in messages.items()
            if not statement_leaks(message, solution)}
    return template(project, failing, kept)


def model_statement(project: str, failing: list[str], messages: dict[str, str], tests_source: str,
                    endpoint: Endpoint) -> str | None:
    """An issue-style text from the endpoint; None when it cannot be had."""
    listing = "\n".join(f"- {node_id}: {messages.get(node_id, '')}" for node_id in failing[:MAX_LISTED])
    prompt = (f"Project: {project}\nThese tests fail:\n{listing}\n\nTheir source:\n```python\n{tests_source}\n```\n"
              "Write the issue (title line, then the body). Do not mention the tests by name.")
    client = openai.OpenAI(base_url=endpoint.base_url, api_key=endpoint.api_key or "unused", timeout=MODEL_TIMEOUT_S,
                           max_retries=2)
    try:
        reply = client.chat.completions.create(model=endpoint.model, messages=[
            {"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}])
    except openai.OpenAIError:
        return None
    finally:
        client.close()
    text = reply.choices[0].message.content if reply.choices else None
    return text.strip() + "\n" if text and text.strip() else None


def statement(project: str, failing: list[str], messages: dict[str, str], solution: str, tests_source: str = "",
              endpoint: Endpoint | None = None) -> tuple[str, str]:
    """(statement, where it came from: "model" or "template"); a model text that leaks the fix is not used."""
    if endpoint is not None:
        text = model_statement(project, failing, messages, tests_source, endpoint)
        if text is not None and not statement_leaks(text, solution):
            return text, "model"
    return safe_template(project, failing, messages, solution), "template"
