from taskgraph import Graph, critical_path, earliest_starts, latest_starts, makespan, slack


def test_earliest_starts(build):
    assert earliest_starts(build) == {
        "fetch": 0,
        "compile_core": 2,
        "compile_ui": 2,
        "link": 6,
        "docs": 2,
        "test": 8,
        "package": 13,
    }


def test_makespan(build):
    assert makespan(build) == 14
    assert makespan(Graph()) == 0


def test_latest_starts(build):
    latest = latest_starts(build)
    assert latest["package"] == 13
    assert latest["compile_ui"] == 3
    assert latest["docs"] == 12


def test_critical_path(build):
    assert critical_path(build) == (["fetch", "compile_core", "link", "test", "package"], 14)


def test_critical_path_ties_prefer_earlier_task():
    graph = Graph.from_dict({"a": (2, []), "b": (2, []), "c": (1, ["a", "b"])})
    assert critical_path(graph) == (["a", "c"], 3)


def test_slack_is_zero_on_a_chain():
    graph = Graph.from_dict({"a": (1, []), "b": (2, ["a"]), "c": (3, ["b"])})
    assert slack(graph) == {"a": 0, "b": 0, "c": 0}
