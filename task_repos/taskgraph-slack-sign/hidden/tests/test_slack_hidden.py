from taskgraph import Graph, critical_path, slack


def test_slack_of_short_parallel_branch():
    graph = Graph.from_dict({"build": (5, []), "docs": (1, []), "ship": (1, ["build", "docs"])})
    assert slack(graph) == {"build": 0, "docs": 4, "ship": 0}


def test_slack_is_never_negative(build):
    assert all(value >= 0 for value in slack(build).values())


def test_slack_of_build_pipeline(build):
    assert slack(build) == {
        "fetch": 0,
        "compile_core": 0,
        "compile_ui": 1,
        "link": 0,
        "docs": 10,
        "test": 0,
        "package": 0,
    }


def test_critical_tasks_have_zero_slack(build):
    path, _ = critical_path(build)
    values = slack(build)
    assert [values[name] for name in path] == [0] * len(path)
