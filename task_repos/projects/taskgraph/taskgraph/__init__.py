"""Task dependency graphs: ordering, cycle detection, critical paths and worker schedules."""

from taskgraph.errors import CycleError, TaskGraphError, UnknownTaskError
from taskgraph.graph import Graph
from taskgraph.order import find_cycle, levels, topological_order
from taskgraph.schedule import Slot, schedule, utilization
from taskgraph.timing import critical_path, earliest_starts, latest_starts, makespan, slack

__version__ = "1.2.0"

__all__ = [
    "CycleError",
    "Graph",
    "Slot",
    "TaskGraphError",
    "UnknownTaskError",
    "critical_path",
    "earliest_starts",
    "find_cycle",
    "latest_starts",
    "levels",
    "makespan",
    "schedule",
    "slack",
    "topological_order",
    "utilization",
]
