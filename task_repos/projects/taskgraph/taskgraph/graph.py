"""The task graph: tasks with durations and "runs before" dependencies."""

from taskgraph.errors import UnknownTaskError


class Graph:
    """A directed graph of tasks; every listing keeps insertion order."""

    def __init__(self):
        self._duration = {}
        self._succ = {}
        self._pred = {}

    @classmethod
    def from_dict(cls, spec) -> "Graph":
        """Build from ``{name: (duration, [names it runs after])}``; names may be used before they are defined."""
        graph = cls()
        for name, (duration, _) in spec.items():
            graph.add_task(name, duration)
        for name, (_, after) in spec.items():
            for before in after:
                graph.add_dependency(before, name)
        return graph

    def add_task(self, name: str, duration: int = 1) -> None:
        if name in self._duration:
            raise ValueError(f"task {name!r} already exists")
        if not isinstance(duration, int) or duration < 0:
            raise ValueError(f"duration of {name!r} must be a non-negative int, got {duration!r}")
        self._duration[name] = duration
        self._succ[name] = []
        self._pred[name] = []

    def add_dependency(self, before: str, after: str) -> None:
        """`after` cannot start until `before` has finished. Adding an edge twice is a no-op."""
        self._require(before)
        self._require(after)
        if after not in self._succ[before]:
            self._succ[before].append(after)
            self._pred[after].append(before)

    def remove_dependency(self, before: str, after: str) -> None:
        self._require(before)
        self._require(after)
        if after not in self._succ[before]:
            raise KeyError(f"no dependency {before!r} -> {after!r}")
        self._succ[before].remove(after)
        self._pred[after].remove(before)

    def remove_task(self, name: str) -> None:
        """Remove a task together with every dependency that mentions it."""
        self._require(name)
        for before in self._pred.pop(name):
            self._succ[before].remove(name)
        for after in self._succ.pop(name):
            self._pred[after].remove(name)
        del self._duration[name]

    def copy(self) -> "Graph":
        """An independent copy: changing one graph never changes the other."""
        other = Graph()
        other._duration = dict(self._duration)
        other._succ = {name: list(names) for name, names in self._succ.items()}
        other._pred = {name: list(names) for name, names in self._pred.items()}
        return other

    def duration(self, name: str) -> int:
        self._require(name)
        return self._duration[name]

    def tasks(self) -> list:
        return list(self._duration)

    def successors(self, name: str) -> list:
        self._require(name)
        return list(self._succ[name])

    def predecessors(self, name: str) -> list:
        self._require(name)
        return list(self._pred[name])

    def dependencies(self) -> list:
        """Every (before, after) edge."""
        return [(before, after) for before, names in self._succ.items() for after in names]

    def sources(self) -> list:
        """Tasks with no dependencies."""
        return [name for name in self._duration if not self._pred[name]]

    def sinks(self) -> list:
        """Tasks nothing depends on."""
        return [name for name in self._duration if not self._succ[name]]

    def _require(self, name: str) -> None:
        if name not in self._duration:
            raise UnknownTaskError(name)

    def __contains__(self, name) -> bool:
        return name in self._duration

    def __len__(self) -> int:
        return len(self._duration)

    def __iter__(self):
        return iter(self.tasks())

    def __repr__(self) -> str:
        return f"Graph({len(self)} tasks, {len(self.dependencies())} dependencies)"
