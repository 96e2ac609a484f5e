"""Seeding: validated synthetic-bug tasks from any Python repository with a passing pytest suite.

project (acquire, build, run the clean suite) -> candidates (AST modifiers, minimal splices) ->
seedrun (validate in warm containers) -> taskdir (write task directories); pipeline ties them together.
"""
