import pytest

from taskgraph import CycleError, Graph, find_cycle, levels, topological_order


def test_topological_order_respects_dependencies(build):
    order = topological_order(build)
    for before, after in build.dependencies():
        assert order.index(before) < order.index(after)


def test_topological_order_breaks_ties_by_insertion_order(build):
    assert topological_order(build) == ["fetch", "compile_core", "compile_ui", "link", "docs", "test", "package"]


def test_independent_tasks_keep_insertion_order():
    graph = Graph.from_dict({"c": (1, []), "a": (1, []), "b": (1, ["c"])})
    assert topological_order(graph) == ["c", "a", "b"]


def test_cycle_raises(build):
    build.add_dependency("package", "fetch")
    with pytest.raises(CycleError) as info:
        topological_order(build)
    assert isinstance(info.value, ValueError)
    assert info.value.cycle


def test_find_cycle_on_acyclic_graph(build):
    assert find_cycle(build) is None
    assert find_cycle(Graph()) is None


def test_find_cycle_reports_a_cycle():
    graph = Graph.from_dict({"a": (1, ["c"]), "b": (1, ["a"]), "c": (1, ["b"])})
    assert find_cycle(graph) is not None


def test_levels(build):
    assert levels(build) == [["fetch"], ["compile_core", "compile_ui", "docs"], ["link"], ["test"], ["package"]]
    assert levels(Graph()) == []
