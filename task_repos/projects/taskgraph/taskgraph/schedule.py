"""A greedy schedule of a task graph on a fixed number of workers."""

import bisect
import heapq
from dataclasses import dataclass

from taskgraph.order import topological_order


@dataclass(frozen=True)
class Slot:
    """One task placed on one worker."""

    task: str
    worker: int
    start: int
    end: int


def tail_lengths(graph) -> dict:
    """Length of the longest chain starting with each task, its own duration included."""
    tail = {}
    for name in reversed(topological_order(graph)):
        tail[name] = graph.duration(name) + max((tail[s] for s in graph.successors(name)), default=0)
    return tail


def schedule(graph, workers: int = 1) -> list:
    """Place every task on one of `workers` workers, numbered from 0.

    Whenever a worker is free, it takes the ready task with the longest chain
    still behind it (ties: the task added first); a free worker with the
    lowest number goes first. Slots come back in the order they start.
    Raises CycleError when no schedule exists.
    """
    if workers < 1:
        raise ValueError(f"need at least one worker, got {workers}")
    tail = tail_lengths(graph)
    index = {name: position for position, name in enumerate(graph.tasks())}
    waiting = {name: len(graph.predecessors(name)) for name in graph.tasks()}
    ready = [name for name in graph.tasks() if waiting[name] == 0]
    free = list(range(workers))
    running = []
    slots = []
    now = 0
    while ready or running:
        ready.sort(key=lambda name: (-tail[name], index[name]))
        while ready and free:
            name = ready.pop(0)
            worker = free.pop(0)
            end = now + graph.duration(name)
            heapq.heappush(running, (end, worker, name))
            slots.append(Slot(name, worker, now, end))
        now = running[0][0]
        while running and running[0][0] == now:
            _, worker, name = heapq.heappop(running)
            bisect.insort(free, worker)
            for after in graph.successors(name):
                waiting[after] -= 1
                if waiting[after] == 0:
                    ready.append(after)
    return slots


def utilization(slots, workers: int) -> float:
    """Share of worker time spent on tasks, between 0 and 1; 1.0 for an empty schedule."""
    span = max((slot.end for slot in slots), default=0)
    if span == 0:
        return 1.0
    busy = sum(slot.end - slot.start for slot in slots)
    return busy / (span * workers)
