"""The `apply_patch` engine: plan every change in memory, then write all of it or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from harvester.patch_parse import AddFile, Chunk, DeleteFile, PatchError, PatchOp, UpdateFile, parse_patch

__all__ = ["FileChange", "PatchError", "PatchOp", "apply_to_dir", "parse_patch", "plan_patch", "summarize"]

# Last matching pass: typographic punctuation and odd spaces compare equal to their ASCII forms.
_ASCII_PUNCTUATION = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("\u2018\u2019\u201a\u201b", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f", '"'),
        **dict.fromkeys("\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a", " "),
        **dict.fromkeys("\u202f\u205f\u3000", " "),
    }
)
_MATCH_PASSES: tuple[Callable[[str], str], ...] = (
    lambda s: s,
    str.rstrip,
    str.strip,
    lambda s: s.strip().translate(_ASCII_PUNCTUATION),
)


@dataclass(frozen=True)
class FileChange:
    """One planned change; `content` is the full new text, None for a delete."""

    path: str
    kind: Literal["add", "update", "delete"]
    new_path: str | None
    content: str | None


def plan_patch(text: str, read: Callable[[str], str | None]) -> list[FileChange]:
    """Compute every change in memory; `read(path)` gives a file's text or None if it is missing.

    Raises PatchError if any operation fails, before anything is written.
    """
    overlay: dict[str, str | None] = {}  # what earlier operations in this patch left behind

    def current(path: str) -> str | None:
        return overlay[path] if path in overlay else read(path)

    changes = []
    for op in parse_patch(text):
        change = _plan_op(op, current)
        changes.append(change)
        if change.kind == "update" and change.new_path:
            overlay[change.path] = None
            overlay[change.new_path] = change.content
        else:
            overlay[change.path] = change.content
    return changes


def _plan_op(op: PatchOp, current: Callable[[str], str | None]) -> FileChange:
    if isinstance(op, AddFile):
        return FileChange(op.path, "add", None, op.content)
    original = current(op.path)
    if isinstance(op, DeleteFile):
        if original is None:
            raise PatchError(f"Failed to delete {op.path}: file does not exist")
        return FileChange(op.path, "delete", None, None)
    if original is None:
        raise PatchError(f"Failed to update {op.path}: file does not exist")
    return FileChange(op.path, "update", op.move_to, _updated(original, op))


def _updated(original: str, op: UpdateFile) -> str:
    """Apply the chunks to `original`; the result ends with a newline, in the file's own line ending."""
    crlf = original.count("\r\n") * 2 > original.count("\n")
    lines = original.replace("\r\n", "\n").split("\n") if crlf else original.split("\n")
    if lines[-1] == "":
        lines.pop()
    for start, length, new in reversed(_replacements(lines, op)):
        lines[start : start + length] = new
    text = "".join(line + "\n" for line in lines)
    return text.replace("\n", "\r\n") if crlf else text


def _replacements(lines: list[str], op: UpdateFile) -> list[tuple[int, int, list[str]]]:
    """Locate each chunk, searching forward from the previous one; return (start, length, new lines)."""
    found: list[tuple[int, int, list[str]]] = []
    index = 0
    for chunk in op.chunks:
        if chunk.context is not None:
            at = _seek(lines, [chunk.context], index, eof=False)
            if at is None:
                raise PatchError(f"Failed to find context '{chunk.context}' in {op.path}")
            index = at + 1
        if not chunk.old:
            # Nothing to match: insert under the @@ header, else append at the end like Codex.
            at = index if chunk.context is not None and not chunk.end_of_file else len(lines)
            found.append((at, 0, list(chunk.new)))
            continue
        entries = list(chunk.lines)
        at = _seek(lines, chunk.old, index, chunk.end_of_file)
        if at is None and chunk.old[-1] == "":
            # A trailing empty line often stands for the file's final newline: retry without it.
            _drop_final_newline(entries)
            at = _seek(lines, [text for tag, text in entries if tag != "+"], index, chunk.end_of_file)
        if at is None:
            raise PatchError(_not_found(op.path, chunk))
        length = sum(tag != "+" for tag, _ in entries)
        found.append((at, length, _rewrite(entries, lines[at : at + length])))
        index = at + length
    return sorted(found, key=lambda r: r[0])


def _drop_final_newline(entries: list[tuple[str, str]]) -> None:
    """Remove the last empty old line, and the last empty new line with it, as Codex does."""
    last = max(i for i, (tag, _) in enumerate(entries) if tag != "+")
    if entries.pop(last)[0] == "-":
        news = [i for i, (tag, _) in enumerate(entries) if tag != "-"]
        if news and entries[news[-1]] == ("+", ""):
            del entries[news[-1]]


def _rewrite(entries: list[tuple[str, str]], region: list[str]) -> list[str]:
    """New lines for a matched region; context lines keep the file's own text, whatever whitespace matched."""
    out: list[str] = []
    k = 0
    for tag, text in entries:
        if tag == "+":
            out.append(text)
            continue
        if tag == " ":
            out.append(region[k])
        k += 1
    return out


def _seek(lines: list[str], pattern: list[str], start: int, eof: bool) -> int | None:
    """First index at or after `start` where `pattern` matches, trying looser comparisons in turn."""
    if not pattern:
        return start
    if len(pattern) > len(lines):
        return None
    last = len(lines) - len(pattern)
    first = last if eof else start
    for normalise in _MATCH_PASSES:
        want = [normalise(p) for p in pattern]
        have = [normalise(line) for line in lines]
        for i in range(first, last + 1):
            if have[i : i + len(want)] == want:
                return i
    return None


def _not_found(path: str, chunk: Chunk) -> str:
    where = "\n(expected at the end of the file)" if chunk.end_of_file else ""
    return f"Failed to find expected lines in {path}:\n" + "\n".join(chunk.old) + where


def summarize(changes: list[FileChange]) -> str:
    """Codex's success message: added, then modified (a move shows its new path), then deleted."""
    added = [f"A {c.path}\n" for c in changes if c.kind == "add"]
    modified = [f"M {c.new_path or c.path}\n" for c in changes if c.kind == "update"]
    deleted = [f"D {c.path}\n" for c in changes if c.kind == "delete"]
    return "Success. Updated the following files:\n" + "".join(added + modified + deleted)


def apply_to_dir(text: str, root: Path) -> str:
    """Apply the patch to files under `root`; on PatchError `root` is left untouched."""
    root = root.resolve()

    def target(path: str) -> Path:
        full = (root / path).resolve()
        if not full.is_relative_to(root):
            raise PatchError(f"{path} points outside the working directory")
        for parent in full.parents:
            if parent == root:
                break
            if parent.exists() and not parent.is_dir():
                raise PatchError(f"Failed to use {path}: {parent.relative_to(root)} is not a directory")
        if full.is_dir():
            raise PatchError(f"Failed to use {path}: it is a directory, not a file")
        return full

    def read(path: str) -> str | None:
        full = target(path)
        if not full.exists():
            return None
        try:
            return full.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise PatchError(f"Failed to read {path}: it is not UTF-8 text") from None

    changes = plan_patch(text, read)
    # Resolve and check every path before the first write.
    writes = [(target(c.path), target(c.new_path) if c.new_path else None, c.content) for c in changes]
    for source, destination, content in writes:
        if content is None:
            source.unlink()
            continue
        full = destination or source
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_bytes(content.encode("utf-8"))
        if destination:
            source.unlink(missing_ok=True)
    return summarize(changes)
