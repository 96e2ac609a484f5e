"""Start times, slack and the critical path of a task graph."""

from taskgraph.order import topological_order


def earliest_starts(graph) -> dict:
    """Earliest start of each task when every task starts as soon as its dependencies finish."""
    start = {}
    for name in topological_order(graph):
        start[name] = max((start[p] + graph.duration(p) for p in graph.predecessors(name)), default=0)
    return start


def makespan(graph) -> int:
    """Time for the whole graph with unlimited workers."""
    start = earliest_starts(graph)
    return max((start[name] + graph.duration(name) for name in start), default=0)


def latest_starts(graph) -> dict:
    """Latest start of each task that does not delay the makespan."""
    span = makespan(graph)
    latest = {}
    for name in reversed(topological_order(graph)):
        finish = min((latest[s] for s in graph.successors(name)), default=span)
        latest[name] = finish - graph.duration(name)
    return latest


def slack(graph) -> dict:
    """How long each task can slip without delaying the makespan; zero on the critical path."""
    earliest = earliest_starts(graph)
    latest = latest_starts(graph)
    return {name: latest[name] - earliest[name] for name in earliest}


def critical_path(graph) -> tuple:
    """The longest chain of dependent tasks, as (task names in order, total duration).

    The chain ends at the task that finishes last; ties go to the task added
    to the graph first, and to the dependency added first along the way.
    """
    if not len(graph):
        return [], 0
    start = earliest_starts(graph)
    finish = {name: start[name] + graph.duration(name) for name in start}
    current = max(graph.tasks(), key=lambda name: finish[name])
    path = [current]
    while graph.predecessors(current):
        current = next(p for p in graph.predecessors(current) if finish[p] == start[current])
        path.append(current)
    path.reverse()
    return path, finish[path[-1]]
