"""Per-test statuses from pytest's JUnit XML, mapped back to pytest node ids.

pytest writes `classname` and `name` by mangling the node id (path with "/" turned into "."
and ".py" dropped, then the classes; the name keeps its parametrization brackets), so the
robust inverse is to mangle each requested id the same way and match on the pair, using
the `file` attribute only to break ties (a method inherited from another file reports that
file, so the attribute alone cannot be trusted).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["passed", "failed", "skipped", "xfailed", "xpassed", "error", "missing"]
# When one test has several testcase elements (a teardown error after the call), the worst wins.
_SEVERITY = {"error": 5, "failed": 4, "xpassed": 3, "skipped": 2, "xfailed": 1, "passed": 0}


class Case(BaseModel):
    """One <testcase> element of a JUnit report."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    classname: str = Field(description="Dotted module path plus classes, as pytest mangles it.")
    name: str = Field(description="Test name with its parametrization id, if any.")
    file: str | None = Field(None, description="The file attribute (xunit1), when present.")
    status: Status = Field(description="Outcome read from the child elements.")


def mangle(node_id: str) -> tuple[str, str]:
    """(classname, name) that pytest's junitxml writes for a node id."""
    path, bracket, params = node_id.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    names[-1] += bracket + params
    return ".".join(names[:-1]), names[-1]


def id_file(node_id: str) -> str:
    """The file part of a node id."""
    return node_id.partition("[")[0].split("::")[0]


def _case_status(element: ET.Element) -> Status:
    if element.find("error") is not None:
        return "error"
    if element.find("failure") is not None:
        return "failed"
    skipped = element.find("skipped")
    if skipped is not None:
        return "xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"
    return "passed"


def parse_junit(xml_text: str | bytes) -> list[Case]:
    """Every testcase of a report; ValueError if the XML is malformed."""
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as exc:
        raise ValueError(f"malformed JUnit XML: {exc}") from None
    return [Case(classname=el.get("classname", ""), name=el.get("name", ""), file=el.get("file"),
                 status=_case_status(el)) for el in root.iter("testcase")]


def _worse(old: Status | None, new: Status) -> Status:
    return new if old is None or _SEVERITY[new] > _SEVERITY[old] else old


def statuses(node_ids: list[str], cases: list[Case], xpassed: set[str] = frozenset()) -> dict[str, Status]:
    """Status of each requested node id: what the report says, else "missing".

    A collection error of a file marks its requested tests "error" (a module-level skip, "skipped");
    ids listed in `xpassed` (pytest reports a non-strict XPASS as a plain pass) become "xpassed".
    """
    by_key: dict[tuple[str, str], list[str]] = {}
    for node_id in node_ids:
        by_key.setdefault(mangle(node_id), []).append(node_id)
    found: dict[str, Status] = {}
    whole_file: dict[str, Status] = {}  # collection reports carry no class and the module as name
    for case in cases:
        if case.classname == "" and case.status in ("error", "skipped") and case.file:
            whole_file[case.file] = _worse(whole_file.get(case.file), case.status)
        for node_id in _matches(by_key.get((case.classname, case.name), []), case):
            status = "xpassed" if case.status == "passed" and node_id in xpassed else case.status
            found[node_id] = _worse(found.get(node_id), status)
    return {node_id: found.get(node_id, whole_file.get(id_file(node_id), "missing")) for node_id in node_ids}


def _matches(candidates: list[str], case: Case) -> list[str]:
    if len(candidates) <= 1 or case.file is None:
        return candidates
    same_file = [node_id for node_id in candidates if id_file(node_id) == case.file]
    return same_file or candidates
