"""Orderings of a task graph and cycle detection."""

import heapq

from taskgraph.errors import CycleError

_VISITING, _DONE = 1, 2
_END = object()


def topological_order(graph) -> list:
    """Every task after all of its dependencies.

    Among tasks that are ready at the same time, the one added to the graph
    first comes first, so the order is stable across runs. Raises CycleError.
    """
    index = {name: position for position, name in enumerate(graph.tasks())}
    waiting = {name: len(graph.predecessors(name)) for name in graph.tasks()}
    ready = [(index[name], name) for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, name = heapq.heappop(ready)
        order.append(name)
        for after in graph.successors(name):
            waiting[after] -= 1
            if waiting[after] == 0:
                heapq.heappush(ready, (index[after], after))
    if len(order) < len(graph):
        raise CycleError(find_cycle(graph))
    return order


def find_cycle(graph):
    """A cycle as a closed path ``[a, b, ..., a]``, or None for an acyclic graph.

    The search starts from tasks in insertion order and follows dependencies
    in the order they were added, so the same graph always gives the same path.
    """
    state = {}
    for root in graph.tasks():
        if root in state:
            continue
        state[root] = _VISITING
        path = [root]
        pending = [iter(graph.successors(root))]
        while pending:
            after = next(pending[-1], _END)
            if after is _END:
                state[path.pop()] = _DONE
                pending.pop()
            elif state.get(after) == _VISITING:
                return path[path.index(after):] + [after]
            elif after not in state:
                state[after] = _VISITING
                path.append(after)
                pending.append(iter(graph.successors(after)))
    return None


def levels(graph) -> list:
    """Tasks grouped in waves: a task sits one level after its deepest dependency."""
    depth = {}
    for name in topological_order(graph):
        depth[name] = max((depth[before] + 1 for before in graph.predecessors(name)), default=0)
    waves = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for name, level in depth.items():
        waves[level].append(name)
    return waves
