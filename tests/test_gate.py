"""The run-wide endpoint gate: a cap on requests in flight and backoff shared after a 429."""

from __future__ import annotations

import threading
import time

from harvester.gate import Gate
from harvester.policies.openai_policy import OpenAIPolicy
from harvester.records import Message
from openai_server import ChatServer, error, final, slow

HELLO = [Message(role="user", content="hi")]


def test_requests_in_flight_never_exceed_the_cap():
    with ChatServer([slow(0.3, final(str(i))) for i in range(6)]) as server:
        gate = Gate(max_in_flight=2)
        active, peak, lock = [0], [0], threading.Lock()

        def ask() -> None:
            policy = OpenAIPolicy("m", server.base_url, "sk-test", gate=lambda: _counting(gate, active, peak, lock))
            policy.next(HELLO, [])

        threads = [threading.Thread(target=ask) for _ in range(6)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert peak[0] == 2 and len(server.requests) == 6
        assert time.monotonic() - t0 >= 0.9  # three waves of 0.3 s


class _counting:
    def __init__(self, gate, active, peak, lock):
        self.inner, self.active, self.peak, self.lock = gate(), active, peak, lock

    def __enter__(self):
        self.inner.__enter__()
        with self.lock:
            self.active[0] += 1
            self.peak[0] = max(self.peak[0], self.active[0])

    def __exit__(self, *exc):
        with self.lock:
            self.active[0] -= 1
        return self.inner.__exit__(*exc)


def test_a_429_makes_every_episode_back_off():
    with ChatServer([error(429, {"Retry-After": "1"}), final("a"), final("b")]) as server:
        gate = Gate(max_in_flight=4)
        first = OpenAIPolicy("m", server.base_url, "sk-test", gate=gate, backoff_s=0.01)
        other = OpenAIPolicy("m", server.base_url, "sk-test", gate=gate, backoff_s=0.01)
        worker = threading.Thread(target=first.next, args=(HELLO, []))
        worker.start()
        while gate.throttled == 0:
            time.sleep(0.01)
        t429 = time.monotonic()
        other.next(HELLO, [])  # a different episode, never throttled itself, still waits out the 429
        assert time.monotonic() - t429 >= 0.9
        worker.join()
        assert len(server.requests) == 3 and gate.throttled == 1
