"""Parsing from many threads while finalizers run must never raise SystemError."""

import sys
import threading
from pathlib import Path

from harvester import pysource

SOURCE = (Path(__file__).parents[1] / "task_repos/projects/inikit/inikit/values.py").read_text()


class _Cycle:
    """Garbage that only the cycle collector frees, running Python code when it goes."""

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        sum(range(50))


def _hammer(errors: list[BaseException]) -> None:
    for _ in range(500):
        for _ in range(20):
            _Cycle()
        try:
            pysource.parse(SOURCE)
        except SystemError as error:
            errors.append(error)
            return


def test_parse_survives_threads_and_finalizers() -> None:
    errors: list[BaseException] = []
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=_hammer, args=(errors,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
