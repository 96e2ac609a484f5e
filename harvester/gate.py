"""Endpoint etiquette shared by every episode of a run: a cap on requests in flight, shared 429 backoff."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import openai


class Gate:
    """A context-manager factory the OpenAI policy enters around each request."""

    def __init__(self, max_in_flight: int, default_backoff_s: float = 2.0) -> None:
        self._slots = threading.BoundedSemaphore(max_in_flight)
        self._lock = threading.Lock()
        self._not_before = 0.0
        self.default_backoff_s = default_backoff_s
        self.throttled = 0

    def __call__(self) -> contextlib.AbstractContextManager:
        return self._request()

    @contextlib.contextmanager
    def _request(self) -> Iterator[None]:
        with self._slots:
            while (wait := self._not_before - time.monotonic()) > 0:
                time.sleep(min(wait, 1.0))
            try:
                yield
            except openai.APIStatusError as exc:
                if exc.status_code == 429:
                    self._back_off(exc.response.headers.get("retry-after"))
                raise

    def _back_off(self, retry_after: str | None) -> None:
        try:
            wait = float(retry_after) if retry_after else self.default_backoff_s
        except ValueError:
            wait = self.default_backoff_s
        with self._lock:
            self.throttled += 1
            self._not_before = max(self._not_before, time.monotonic() + min(wait, 120.0))
