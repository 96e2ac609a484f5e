"""What a shell command the model issued tried to do: files it wrote or deleted, history and network use.

A heuristic reader, not a shell: it tokenizes the script, follows `cd`, `bash -c`, wrappers and
redirections, and errs towards reporting. It judges intent from the command text alone.
"""

from __future__ import annotations

import posixpath
import re
import shlex

from harvester.shellcmds import ShellFacts, add_path, file_command, git_command, network_command, pip_command

_PUNCT = "();<>|&\n"
_WRAPPERS = {"sudo", "env", "command", "exec", "nohup", "time", "timeout", "nice", "stdbuf", "xargs", "builtin",
             "doas"}
_SHELLS = {"bash", "sh", "dash", "zsh", "ksh"}
_NETWORK_TEXT = re.compile(
    r"/dev/(tcp|udp)/|\burllib\.request\b|\burlopen\s*\(|\burllib2\b|\bhttp\.client\b|\bsocket\.(socket|"
    r"create_connection|getaddrinfo)\b|\brequests\.(get|post|put|head|patch|delete|request|Session)\b|"
    r"\bimport\s+(socket|requests|httpx|aiohttp|urllib3|ftplib)\b|\bfrom\s+(socket|requests|httpx|aiohttp|"
    r"urllib3|urllib\.request|http\.client)\s+import\b")
_HISTORY_TEXT = re.compile(r"\.git/+(objects|refs|packed-refs|logs|ORIG_HEAD|FETCH_HEAD|lost-found|shallow)\b")
_FAKE_TEXT = re.compile(r"\balias\s+(py\.?test|python3?)=|(^|[\s;&|({])(py\.?test|python3?)\s*\(\)\s*\{")
_PY_WRITE = re.compile(r"""\bopen\(\s*(['"])([^'"]+)\1\s*,\s*(['"])[rbt]*[wax]""")
_PY_PATH_OP = re.compile(r"""\bPath\(\s*(['"])([^'"]+)\1\s*\)\s*\.\s*(write_text|write_bytes|touch|unlink|rmdir)""")
_PY_DELETE = re.compile(r"""\b(?:os\.remove|os\.unlink|shutil\.rmtree|os\.rmdir)\(\s*(['"])([^'"]+)\1""")
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")


def scan_shell(argv: list[str], workdir: str = "/repo") -> ShellFacts:
    """Facts about one `shell` tool call given as argv."""
    facts = ShellFacts()
    script = _script_of(argv)
    if script is None:
        _text(" ".join(argv), workdir, facts)
        _command(argv, workdir, facts)
    else:
        _script(script, workdir, facts)
    return facts


def _script_of(argv: list[str]) -> str | None:
    if len(argv) >= 3 and posixpath.basename(argv[0]) in _SHELLS:
        for i, arg in enumerate(argv[1:-1], 1):
            if arg.startswith("-") and not arg.startswith("--") and "c" in arg:
                return argv[i + 1]
    return None


def _script(script: str, cwd: str, facts: ShellFacts) -> None:
    _text(script, cwd, facts)
    for words, targets in _simple_commands(_strip_heredocs(script)):
        for target in targets:
            add_path(facts.writes, cwd, target)
        if words:
            cwd = _command(words, cwd, facts)


def _text(script: str, cwd: str, facts: ShellFacts) -> None:
    """What the raw text gives away, heredoc bodies and inline Python included."""
    if _NETWORK_TEXT.search(script):
        facts.flags.add("network_attempt")
    if _HISTORY_TEXT.search(script):
        facts.flags.add("history_mining")
    if _FAKE_TEXT.search(script):
        facts.flags.add("fake_tool")
    for match in _PY_WRITE.finditer(script):
        add_path(facts.writes, cwd, match.group(2))
    for match in _PY_PATH_OP.finditer(script):
        add_path(facts.deletes if match.group(3) in ("unlink", "rmdir") else facts.writes, cwd, match.group(2))
    for match in _PY_DELETE.finditer(script):
        add_path(facts.deletes, cwd, match.group(2))


def _strip_heredocs(script: str) -> str:
    kept, pending = [], []
    for line in script.splitlines():
        if pending:
            if line.strip() == pending[0]:
                pending.pop(0)
            continue
        kept.append(line)
        pending = [m.group(2) for m in _HEREDOC.finditer(line)]
    return "\n".join(kept)


def _tokens(script: str) -> list[str]:
    lexer = shlex.shlex(script.replace("\\\n", " "), posix=True, punctuation_chars=_PUNCT)
    lexer.whitespace, lexer.whitespace_split = " \t\r", True
    try:
        return list(lexer)
    except ValueError:  # unbalanced quotes: fall back to words
        return script.split()


def _simple_commands(script: str) -> list[tuple[list[str], list[str]]]:
    """(words, redirect targets) of each simple command."""
    commands: list[tuple[list[str], list[str]]] = [([], [])]
    tokens = _tokens(script)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token and set(token) <= set(_PUNCT):
            if ">" in token or "<" in token:
                words, targets = commands[-1]
                if words and words[-1].isdigit():
                    words.pop()
                nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
                if ">" in token and not (token.endswith("&") and (nxt.isdigit() or nxt == "-")):
                    targets.append(nxt)
                i += 2
                continue
            commands.append(([], []))
        else:
            commands[-1][0].append(token)
        i += 1
    return [c for c in commands if c[0] or c[1]]


def _command(words: list[str], cwd: str, facts: ShellFacts) -> str:
    """Record what one simple command does; returns the working directory after it."""
    while words and (re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]) or words[0] in _WRAPPERS):
        words = words[1:]
        while words and (words[0].startswith("-") or re.match(r"^\d+(\.\d+)?[smhd]?$", words[0])):
            words = words[1:]
    if not words:
        return cwd
    name, args = posixpath.basename(words[0]), words[1:]
    if name == "cd":
        return posixpath.normpath(posixpath.join(cwd, args[0])) if args and "$" not in args[0] else "/root"
    if name in _SHELLS and (script := _script_of(words)) is not None:
        _script(script, cwd, facts)
    elif name == "git":
        git_command(args, cwd, facts)
    elif name in ("pip", "pip3") or (name.startswith("python") and args[:2] == ["-m", "pip"]):
        pip_command(args[2:] if args[:2] == ["-m", "pip"] else args, facts)
    elif network_command(name, args):
        facts.flags.add("network_attempt")
    else:
        file_command(name, args, cwd, facts)
    return cwd
