"""Reading inikit text into a Config."""

import re
from pathlib import Path

from .config import Config
from .errors import ParseError
from .interpolate import interpolate
from .values import bracket_depth, parse_value, strip_comment, unescape

_SECTION_RE = re.compile(r"\[\s*([\w-]+(?:\.[\w-]+)*)\s*\]")
_KEY_RE = re.compile(r"[\w-]+")
_TRIPLE_QUOTES = ('"""', "'''")


def loads(text, *, interpolation=True, env=None):
    """Parse inikit text. Keys before the first section header go to the root section ""."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    sections = {"": {}}
    current = ""
    i = 0
    while i < len(lines):
        lineno = i + 1
        line = strip_comment(lines[i]).strip()
        i += 1
        if not line:
            continue
        if line.startswith("["):
            match = _SECTION_RE.fullmatch(line)
            if match is None:
                raise ParseError(f"invalid section header {line!r}", lineno)
            current = match.group(1)
            sections.setdefault(current, {})
            continue
        key, sep, raw = line.partition("=")
        key = key.strip()
        if not sep:
            raise ParseError(f"expected 'key = value', got {line!r}", lineno)
        if not _KEY_RE.fullmatch(key):
            raise ParseError(f"invalid key {key!r}", lineno)
        if key in sections[current]:
            raise ParseError(f"duplicate key {key!r} in section [{current}]", lineno)
        raw = raw.strip()
        if raw.startswith(_TRIPLE_QUOTES):
            value, i = _read_multiline(lines, i, raw, lineno)
        else:
            raw, i = _read_list_lines(lines, i, raw)
            value = parse_value(raw, lineno)
        sections[current][key] = value
    if not sections[""]:
        del sections[""]
    if interpolation:
        sections = interpolate(sections, env)
    return Config(sections)


def _read_list_lines(lines, i, raw):
    """Join the continuation lines of a list that spans several lines."""
    while bracket_depth(raw) > 0 and i < len(lines):
        raw += " " + strip_comment(lines[i]).strip()
        i += 1
    return raw, i


def _read_multiline(lines, i, first, lineno):
    """Read a triple-quoted string starting on `first`; return (value, index of the next line)."""
    delimiter = first[:3]
    parts = []
    text = first[3:]
    while True:
        end = text.find(delimiter)
        if end >= 0:
            parts.append(text[:end])
            if strip_comment(text[end + 3 :]).strip():
                raise ParseError("unexpected text after multi-line string", i)
            break
        parts.append(text)
        if i >= len(lines):
            raise ParseError("unterminated multi-line string", lineno)
        text = lines[i]
        i += 1
    # Like TOML, a newline right after the opening quotes is not part of the value.
    if len(parts) > 1 and parts[0] == "":
        parts.pop(0)
    value = "\n".join(parts)
    if delimiter == '"""':
        value = unescape(value, lineno)
    return value, i


def load(path, *, interpolation=True, env=None):
    """Parse an inikit file (UTF-8)."""
    text = Path(path).read_text(encoding="utf-8")
    return loads(text, interpolation=interpolation, env=env)
