import pytest

from taskgraph import CycleError, Graph, find_cycle, topological_order


def test_find_cycle_returns_closed_path():
    graph = Graph.from_dict({"a": (1, ["c"]), "b": (1, ["a"]), "c": (1, ["b"])})
    assert find_cycle(graph) == ["a", "b", "c", "a"]


def test_self_dependency_is_a_cycle_of_one():
    graph = Graph()
    graph.add_task("a")
    graph.add_dependency("a", "a")
    assert find_cycle(graph) == ["a", "a"]


def test_cycle_behind_acyclic_prefix():
    graph = Graph.from_dict({"start": (1, []), "x": (1, ["start", "y"]), "y": (1, ["x"]), "end": (1, ["y"])})
    assert find_cycle(graph) == ["x", "y", "x"]


def test_cycle_error_message_names_the_whole_cycle(build):
    build.add_dependency("package", "fetch")
    with pytest.raises(CycleError) as info:
        topological_order(build)
    assert info.value.cycle == ["fetch", "compile_core", "link", "test", "package", "fetch"]
    assert str(info.value) == "dependency cycle: fetch -> compile_core -> link -> test -> package -> fetch"


def test_find_cycle_is_none_without_cycles(build):
    assert find_cycle(build) is None
