"""A `git diff --binary` split into per-file sections, and text files rebuilt from their hunks."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


@dataclass(frozen=True)
class FileDiff:
    """One `diff --git` section: its exact text and the paths it touches (None: no such side)."""

    text: str
    old_path: str | None
    new_path: str | None
    binary: bool

    @property
    def paths(self) -> list[str]:
        return sorted({p for p in (self.old_path, self.new_path) if p is not None})

    @property
    def status(self) -> str:
        if self.old_path is None:
            return "added"
        if self.new_path is None:
            return "deleted"
        return "modified" if self.old_path == self.new_path else "renamed"


def split_diff(diff: str) -> list[FileDiff]:
    """Per-file sections in order; text before the first `diff --git` line is dropped."""
    sections: list[list[str]] = []
    for line in diff.splitlines(keepends=True):
        if line.startswith("diff --git "):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
    return [_section(lines) for lines in sections]


def join_diff(files: list[FileDiff]) -> str:
    return "".join(f.text for f in files)


def _section(lines: list[str]) -> FileDiff:
    old, new = _header_paths(lines[0].rstrip("\n")[len("diff --git "):])
    binary, added, deleted = False, False, False
    for line in lines[1:]:
        line = line.rstrip("\n")
        if line.startswith("@@"):
            break
        if line.startswith(("rename from ", "copy from ")):
            old = unquote(line.split(" ", 2)[2])
        elif line.startswith(("rename to ", "copy to ")):
            new = unquote(line.split(" ", 2)[2])
        elif line.startswith("--- ") and line != "--- /dev/null":
            old = _strip_prefix(unquote(line[4:]), "a/")
        elif line.startswith("+++ ") and line != "+++ /dev/null":
            new = _strip_prefix(unquote(line[4:]), "b/")
        added = added or line.startswith("new file mode")
        deleted = deleted or line.startswith("deleted file mode")
        binary = binary or line == "GIT binary patch" or line.startswith("Binary files ")
    return FileDiff("".join(lines), None if added else old, None if deleted else new, binary)


def _header_paths(rest: str) -> tuple[str | None, str | None]:
    """Paths of `a/X b/Y`; unquoted names are ambiguous with spaces, so X == Y is assumed."""
    if rest.startswith('"'):
        end = _quoted_end(rest)
        first, second = rest[:end], rest[end:].lstrip()
        return _strip_prefix(unquote(first), "a/"), _strip_prefix(unquote(second), "b/")
    for match in re.finditer(r" b/", rest):
        left, right = rest[2:match.start()], rest[match.end():]
        if rest.startswith("a/") and left == right:
            return left, right
    return None, None


def _quoted_end(text: str) -> int:
    i = 1
    while i < len(text) and text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return i + 1


def _strip_prefix(path: str, prefix: str) -> str:
    return path[len(prefix):] if path.startswith(prefix) else path


def unquote(text: str) -> str:
    """Undo git's C-style path quoting (octal escapes are UTF-8 bytes)."""
    text = text.split("\t")[0] if not text.startswith('"') else text
    if not (text.startswith('"') and text.endswith('"') and len(text) >= 2):
        return text
    out, body, i = bytearray(), text[1:-1], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in "01234567":
                out.append(int(body[i + 1:i + 4], 8) & 0xFF)
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, ord(nxt)))
            i += 2
            continue
        out += ch.encode("utf-8", "surrogateescape")
        i += 1
    return out.decode("utf-8", "surrogateescape")


def apply_hunks(old: str, section: FileDiff) -> str | None:
    """The new text of a text file from its old text; None when the hunks do not match it."""
    if section.binary:
        return None
    if section.new_path is None:
        return ""
    source = old.splitlines(keepends=True)
    result: list[str] = []
    cursor = 0
    body = section.text.splitlines(keepends=True)
    for number, line in enumerate(body):
        match = _HUNK.match(line)
        if not match:
            continue
        start = int(match.group(1)) - (0 if match.group(2) == "0" else 1)
        if start < cursor or start > len(source):
            return None
        result += source[cursor:start]
        cursor, previous = start, ""
        for hunk_line in body[number + 1:]:
            tag, text = hunk_line[:1], hunk_line[1:]
            if tag == "\\":  # "\ No newline at end of file": the line before it has no newline
                if previous != "-" and result:
                    result[-1] = result[-1].rstrip("\r\n")
                continue
            previous = tag
            if tag not in (" ", "-", "+"):
                break
            if tag in (" ", "-"):
                if cursor >= len(source) or source[cursor].rstrip("\r\n") != text.rstrip("\r\n"):
                    return None
                cursor += 1
            if tag in (" ", "+"):
                result.append(source[cursor - 1] if tag == " " else text)
    return "".join(result + source[cursor:])
