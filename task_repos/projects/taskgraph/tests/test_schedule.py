import pytest

from taskgraph import CycleError, Graph, Slot, schedule, utilization


def test_single_worker_runs_everything_in_sequence(build):
    slots = schedule(build, workers=1)
    assert [slot.task for slot in slots] == ["fetch", "compile_core", "compile_ui", "link", "test", "docs", "package"]
    assert slots[-1].end == 18
    assert all(slot.worker == 0 for slot in slots)


def test_two_workers(build):
    slots = schedule(build, workers=2)
    assert slots == [
        Slot("fetch", 0, 0, 2),
        Slot("compile_core", 0, 2, 6),
        Slot("compile_ui", 1, 2, 5),
        Slot("docs", 1, 5, 6),
        Slot("link", 0, 6, 8),
        Slot("test", 0, 8, 13),
        Slot("package", 0, 13, 14),
    ]


def test_zero_duration_milestone():
    graph = Graph.from_dict({"a": (2, []), "milestone": (0, ["a"]), "b": (1, ["milestone"])})
    assert [(s.task, s.start, s.end) for s in schedule(graph)] == [("a", 0, 2), ("milestone", 2, 2), ("b", 2, 3)]


def test_schedule_rejects_cycles_and_bad_worker_counts(build):
    with pytest.raises(ValueError):
        schedule(build, workers=0)
    build.add_dependency("package", "fetch")
    with pytest.raises(CycleError):
        schedule(build, workers=2)


def test_utilization():
    slots = [Slot("a", 0, 0, 4), Slot("b", 1, 0, 2)]
    assert utilization(slots, workers=2) == 0.75
    assert utilization([], workers=3) == 1.0
