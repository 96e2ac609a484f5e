from taskgraph import Graph, critical_path, makespan


def test_critical_path_of_empty_graph():
    assert critical_path(Graph()) == ([], 0)


def test_critical_path_after_removing_every_task():
    graph = Graph.from_dict({"a": (2, []), "b": (1, ["a"])})
    for name in graph.tasks():
        graph.remove_task(name)
    assert critical_path(graph) == ([], makespan(graph))


def test_critical_path_of_single_task():
    graph = Graph()
    graph.add_task("only", 4)
    assert critical_path(graph) == (["only"], 4)


def test_critical_path_through_zero_duration_milestone():
    graph = Graph.from_dict({"a": (2, []), "m": (0, ["a"]), "b": (1, ["m"])})
    assert critical_path(graph) == (["a", "m", "b"], 3)
