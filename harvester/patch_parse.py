"""Parser for the `apply_patch` format: patch text in, a list of file operations out."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

BEGIN = "*** Begin Patch"
END = "*** End Patch"
ADD = "*** Add File: "
DELETE = "*** Delete File: "
UPDATE = "*** Update File: "
MOVE = "*** Move to: "
END_OF_FILE = "*** End of File"
HEREDOC_OPENERS = ("<<EOF", "<<'EOF'", '<<"EOF"')
FILE_MARKERS = (ADD, DELETE, UPDATE)


class PatchError(ValueError):
    """A patch that cannot be parsed or applied; the message is written for the model."""


@dataclass(frozen=True)
class Chunk:
    """One `@@` section: `lines` are (tag, text) pairs, tag " " (context), "-" (removed) or "+" (added)."""

    context: str | None
    lines: tuple[tuple[str, str], ...]
    end_of_file: bool

    @property
    def old(self) -> list[str]:
        return [text for tag, text in self.lines if tag != "+"]

    @property
    def new(self) -> list[str]:
        return [text for tag, text in self.lines if tag != "-"]


@dataclass(frozen=True)
class AddFile:
    """Create `path` (or overwrite it) with `content`."""

    path: str
    content: str


@dataclass(frozen=True)
class DeleteFile:
    """Remove the file at `path`."""

    path: str


@dataclass(frozen=True)
class UpdateFile:
    """Edit `path` chunk by chunk, then optionally move it to `move_to`."""

    path: str
    move_to: str | None
    chunks: tuple[Chunk, ...]


PatchOp = AddFile | DeleteFile | UpdateFile


def parse_patch(text: str) -> list[PatchOp]:
    """Parse patch text into file operations; raise PatchError naming the bad line."""
    lines = [line.removesuffix("\r") for line in text.strip().split("\n")]
    body, first_number = _body(lines)
    first_number += text[: len(text) - len(text.lstrip())].count("\n")  # keep numbers true to the input
    ops: list[PatchOp] = []
    i = 0
    while i < len(body):
        op, i = _parse_op(body, i, first_number)
        ops.append(op)
    if not ops:
        raise PatchError("invalid patch: the patch contains no file operations, no files were modified")
    return ops


def _body(lines: list[str]) -> tuple[list[str], int]:
    """Strip the Begin/End markers (and an optional heredoc wrapper); return body and its first line number."""
    if _framed(lines):
        return lines[1:-1], 2
    heredoc = len(lines) >= 4 and lines[0].strip() in HEREDOC_OPENERS and lines[-1].endswith("EOF")
    if heredoc and _framed(lines[1:-1]):
        return lines[2:-2], 3
    if lines[0].strip() != BEGIN:
        raise PatchError(f"invalid patch: the first line of the patch must be '{BEGIN}'")
    raise PatchError(f"invalid patch: the last line of the patch must be '{END}'")


def _framed(lines: list[str]) -> bool:
    return len(lines) >= 2 and lines[0].strip() == BEGIN and lines[-1].strip() == END


def _hunk_error(number: int, message: str) -> PatchError:
    return PatchError(f"invalid hunk at line {number}, {message}")


def _is_file_marker(line: str) -> bool:
    return line.strip().startswith(FILE_MARKERS)


def _parse_op(body: list[str], i: int, first_number: int) -> tuple[PatchOp, int]:
    header = body[i].strip()
    number = first_number + i
    if header.startswith(ADD):
        path = _check_path(header.removeprefix(ADD), number)
        end = i + 1
        while end < len(body) and body[end].startswith("+"):
            end += 1
        return AddFile(path, "".join(line[1:] + "\n" for line in body[i + 1 : end])), end
    if header.startswith(DELETE):
        return DeleteFile(_check_path(header.removeprefix(DELETE), number)), i + 1
    if header.startswith(UPDATE):
        return _parse_update(body, i, first_number)
    valid = ", ".join(f"'{marker}{{path}}'" for marker in FILE_MARKERS)
    raise _hunk_error(number, f"'{header}' is not a valid hunk header. Valid hunk headers: {valid}")


def _parse_update(body: list[str], i: int, first_number: int) -> tuple[UpdateFile, int]:
    number = first_number + i
    path = _check_path(body[i].strip().removeprefix(UPDATE), number)
    move_to = None
    i += 1
    if i < len(body) and body[i].strip().startswith(MOVE):
        move_to = _check_path(body[i].strip().removeprefix(MOVE), first_number + i)
        i += 1
    chunks: list[Chunk] = []
    while i < len(body):
        line = body[i]
        if not line.strip():
            i += 1  # blank lines may separate chunks
            continue
        if line.startswith("*") or _is_file_marker(line):
            break
        chunk, i = _parse_chunk(body, i, first_number, first=not chunks)
        chunks.append(chunk)
    if not chunks:
        raise _hunk_error(number, f"Update file hunk for path '{path}' is empty")
    return UpdateFile(path, None if move_to == path else move_to, tuple(chunks)), i


def _parse_chunk(body: list[str], i: int, first_number: int, first: bool) -> tuple[Chunk, int]:
    context, number = None, first_number + i
    if body[i].rstrip() == "@@":
        i += 1
    elif body[i].startswith("@@ "):
        context = body[i].removeprefix("@@ ")
        i += 1
    elif not first:
        raise _hunk_error(
            first_number + i, f"expected update hunk to start with a @@ context marker, got: '{body[i]}'"
        )
    lines: list[tuple[str, str]] = []
    start, eof = i, False
    while i < len(body):
        line = body[i]
        if line.strip() == END_OF_FILE:
            eof = i > start
            i += eof
            break
        if _is_file_marker(line):
            break
        tag, rest = line[:1], line[1:]
        if tag not in ("", " ", "-", "+"):
            if i == start:
                raise _hunk_error(
                    first_number + i,
                    f"unexpected line found in update hunk: '{line}'. Every line should start with "
                    "' ' (context line), '+' (added line), or '-' (removed line)",
                )
            break  # the next chunk's @@ line
        lines.append((tag or " ", rest))  # an empty line is an empty context line
        i += 1
    if i == start:
        raise _hunk_error(number, "update hunk does not contain any lines")
    return Chunk(context, tuple(lines), eof), i


def _check_path(raw: str, number: int) -> str:
    """Return the path normalised; reject absolute paths and paths that leave the working directory."""
    path = raw.strip()
    if path.startswith("/"):
        raise _hunk_error(number, f"'{path}' is an absolute path; use a path relative to the working directory")
    normal = posixpath.normpath(path)
    if normal == ".":
        raise _hunk_error(number, f"'{path}' is not a file path")
    if normal == ".." or normal.startswith("../"):
        raise _hunk_error(number, f"'{path}' points outside the working directory")
    return normal
