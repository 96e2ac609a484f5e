"""Turning value text into Python values, and Python values back into text."""

import math
import re

from .errors import ParseError

QUOTES = "\"'"
COMMENT_CHARS = "#;"
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"'}
_REVERSE_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0", "\\": "\\\\", '"': '\\"'}
_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}
_INT_RE = re.compile(r"[+-]?(0|[1-9](_?\d)*)")
_HEX_RE = re.compile(r"0[xX][0-9a-fA-F](_?[0-9a-fA-F])*")
_FLOAT_RE = re.compile(r"[+-]?\d(_?\d)*(\.\d(_?\d)*)?([eE][+-]?\d+)?")
# Strings made only of these characters can be written without quotes.
_BARE_RE = re.compile(r"[A-Za-z_/][\w./:@+-]*")


def strip_comment(text):
    """Drop an inline comment: '#' or ';' outside quotes, at the start or after whitespace."""
    quote = None
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in QUOTES:
            quote = ch
        elif ch in COMMENT_CHARS and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
        i += 1
    return text.rstrip()


def bracket_depth(text):
    """How many '[' are still open at the end of text, ignoring quoted brackets."""
    depth = 0
    quote = None
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = None
        elif ch in QUOTES:
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        i += 1
    return depth


def split_items(body, lineno):
    """Split the inside of a list on top-level commas; a trailing comma is allowed."""
    items = []
    depth = 0
    quote = None
    start = 0
    i = 0
    while i < len(body):
        ch = body[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = None
        elif ch in QUOTES:
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(body[start:i].strip())
            start = i + 1
        i += 1
    items.append(body[start:].strip())
    if items[-1] == "":
        items.pop()
    if "" in items:
        raise ParseError("empty list item", lineno)
    return items


def unescape(body, lineno):
    """Resolve backslash escapes of a double-quoted string."""
    out = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        code = body[i + 1 : i + 2]
        if code == "u":
            digits = body[i + 2 : i + 6]
            if not re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                raise ParseError(f"invalid \\u escape {body[i:i + 6]!r}", lineno)
            out.append(chr(int(digits, 16)))
            i += 6
            continue
        if code not in _ESCAPES:
            raise ParseError(f"unknown escape \\{code}", lineno)
        out.append(_ESCAPES[code])
        i += 2
    return "".join(out)


def parse_quoted(text, lineno):
    """Parse the quoted string that starts text; return (value, rest of text)."""
    quote = text[0]
    i = 1
    while i < len(text):
        if text[i] == "\\" and quote == '"':
            i += 2
            continue
        if text[i] == quote:
            body = text[1:i]
            value = unescape(body, lineno) if quote == '"' else body
            return value, text[i + 1 :]
        i += 1
    raise ParseError("unterminated string", lineno)


def parse_bare(text):
    """Type an unquoted scalar: bool, int, float, or the text itself."""
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    if _INT_RE.fullmatch(text):
        return int(text)
    if _HEX_RE.fullmatch(text):
        return int(text, 16)
    if _FLOAT_RE.fullmatch(text):
        return float(text)
    return text


def parse_value(text, lineno):
    """Parse the text right of '=' (comment already removed)."""
    text = text.strip()
    if not text:
        return ""
    if text[0] in QUOTES:
        value, rest = parse_quoted(text, lineno)
        if rest.strip():
            raise ParseError(f"unexpected text after string: {rest.strip()!r}", lineno)
        return value
    if text[0] == "[":
        if bracket_depth(text) != 0 or not text.endswith("]"):
            raise ParseError(f"unbalanced brackets in {text!r}", lineno)
        return [parse_value(item, lineno) for item in split_items(text[1:-1], lineno)]
    return parse_bare(text)


def format_str(value):
    """Write a string so that parsing it gives the same string back."""
    value = value.replace("$", "$$")
    if _BARE_RE.fullmatch(value) and parse_bare(value) == value:
        return value
    return '"' + "".join(_REVERSE_ESCAPES.get(ch, ch) for ch in value) + '"'


def format_value(value):
    """Write any value that parse_value can produce."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write non-finite float {value!r}")
        return repr(value)
    if isinstance(value, str):
        return format_str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    raise TypeError(f"cannot write a value of type {type(value).__name__}")
