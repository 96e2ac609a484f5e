"""Parsing Python source from several threads at once.

CPython 3.11 before 3.11.8 keeps the AST builder's recursion depth in state shared by
every thread (gh-106905). A garbage collection that runs a finalizer in the middle of one
parse lets another thread's parse move that depth, and `ast.parse` raises
`SystemError: AST constructor recursion depth mismatch`. Episodes run in threads, so
every parse in harvester goes through one lock.
"""

import ast
import threading

_LOCK = threading.Lock()


def parse(source: str) -> ast.Module:
    """`ast.parse`, one thread at a time; raises SyntaxError like it."""
    with _LOCK:
        return ast.parse(source)
