import pytest

from taskgraph import Graph, UnknownTaskError


def test_from_dict_keeps_insertion_order(build):
    assert build.tasks() == ["fetch", "compile_core", "compile_ui", "link", "docs", "test", "package"]
    assert build.successors("fetch") == ["compile_core", "compile_ui", "docs"]
    assert build.predecessors("link") == ["compile_core", "compile_ui"]
    assert len(build) == 7


def test_sources_and_sinks(build):
    assert build.sources() == ["fetch"]
    assert build.sinks() == ["package"]


def test_duplicate_dependency_is_ignored():
    graph = Graph()
    graph.add_task("a")
    graph.add_task("b")
    graph.add_dependency("a", "b")
    graph.add_dependency("a", "b")
    assert graph.dependencies() == [("a", "b")]


def test_unknown_task_is_a_key_error():
    graph = Graph()
    graph.add_task("a")
    with pytest.raises(UnknownTaskError) as info:
        graph.add_dependency("a", "missing")
    assert isinstance(info.value, KeyError)
    assert str(info.value) == "unknown task 'missing'"


def test_invalid_durations_and_duplicates_are_rejected():
    graph = Graph()
    graph.add_task("a", 2)
    with pytest.raises(ValueError, match="already exists"):
        graph.add_task("a")
    with pytest.raises(ValueError, match="non-negative"):
        graph.add_task("b", -1)


def test_remove_last_task(build):
    build.remove_task("package")
    assert "package" not in build
    assert build.sinks() == ["docs", "test"]


def test_remove_dependency(build):
    build.remove_dependency("fetch", "docs")
    assert build.predecessors("docs") == []
    with pytest.raises(KeyError):
        build.remove_dependency("fetch", "docs")


def test_copy_has_its_own_tasks(build):
    other = build.copy()
    other.add_task("deploy", 1)
    assert "deploy" in other
    assert "deploy" not in build
    assert other.dependencies() == build.dependencies()
