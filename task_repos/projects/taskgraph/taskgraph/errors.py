"""Exceptions raised by taskgraph."""


class TaskGraphError(Exception):
    """Base class for taskgraph errors."""


class UnknownTaskError(TaskGraphError, KeyError):
    """A task name that is not in the graph."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"unknown task {self.name!r}"


class CycleError(TaskGraphError, ValueError):
    """The dependencies form a cycle, so no order exists.

    `cycle` is the closed path ``[a, b, ..., a]`` when one was found.
    """

    def __init__(self, cycle=None):
        self.cycle = list(cycle) if cycle else []
        if self.cycle:
            message = "dependency cycle: " + " -> ".join(self.cycle)
        else:
            message = "dependency cycle"
        super().__init__(message)
