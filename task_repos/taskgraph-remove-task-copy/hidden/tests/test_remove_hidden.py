from taskgraph import Graph, critical_path, schedule, topological_order


def chain():
    return Graph.from_dict({"a": (1, []), "b": (2, ["a"]), "c": (3, ["b"])})


def test_remove_middle_task_releases_successors():
    graph = chain()
    graph.remove_task("b")
    assert topological_order(graph) == ["a", "c"]
    assert critical_path(graph) == (["c"], 3)


def test_remove_task_forgets_it_as_a_predecessor():
    graph = chain()
    graph.remove_task("b")
    assert graph.predecessors("c") == []
    assert graph.successors("a") == []
    assert graph.dependencies() == []


def test_remove_source_task_then_schedule(build):
    build.remove_task("fetch")
    assert build.sources() == ["compile_core", "compile_ui", "docs"]
    slots = schedule(build, workers=2)
    assert [slot.task for slot in slots] == ["compile_core", "compile_ui", "docs", "link", "test", "package"]


def test_removing_from_a_copy_leaves_the_original_alone():
    graph = chain()
    what_if = graph.copy()
    what_if.remove_task("b")
    assert graph.tasks() == ["a", "b", "c"]
    assert graph.successors("a") == ["b"]
    assert graph.predecessors("c") == ["b"]
    assert topological_order(graph) == ["a", "b", "c"]


def test_new_dependency_in_a_copy_leaves_the_original_alone():
    graph = chain()
    other = graph.copy()
    other.add_dependency("a", "c")
    assert graph.successors("a") == ["b"]
    assert graph.predecessors("c") == ["b"]
    assert other.successors("a") == ["b", "c"]


def test_remove_last_task_of_chain():
    graph = chain()
    graph.remove_task("c")
    assert graph.successors("b") == []
    assert topological_order(graph) == ["a", "b"]


def test_copy_keeps_durations():
    other = chain().copy()
    assert [other.duration(name) for name in other] == [1, 2, 3]
