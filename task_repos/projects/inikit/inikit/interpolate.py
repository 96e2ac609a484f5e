"""Resolving ${...} references between values."""

import re

from .errors import InterpolationError
from .values import format_value

_REFERENCE_RE = re.compile(r"\$(\$|\{([^}]*)\})")


def interpolate(sections, env=None):
    """Return a copy of sections with every ${...} reference replaced.

    ${key} names a key of the same section (falling back to the root section),
    ${section.key} a key of another section, ${env:NAME} or ${env:NAME:-fallback}
    an entry of `env`, and $$ is a literal dollar sign. A value that is exactly
    one reference keeps the referenced value's type.
    """
    resolver = _Resolver(sections, env or {})
    return {
        name: {key: resolver.resolve(name, key, ()) for key in values}
        for name, values in sections.items()
    }


class _Resolver:
    def __init__(self, sections, env):
        self.sections = sections
        self.env = env

    def resolve(self, section, key, chain):
        if (section, key) in chain:
            names = [f"{s}.{k}" if s else k for s, k in chain + ((section, key),)]
            raise InterpolationError("circular reference: " + " -> ".join(names))
        value = self.sections[section][key]
        return self.expand(value, section, chain + ((section, key),))

    def expand(self, value, section, chain):
        if isinstance(value, list):
            return [self.expand(item, section, chain) for item in value]
        if not isinstance(value, str):
            return value
        whole = _REFERENCE_RE.fullmatch(value)
        if whole and whole.group(2) is not None:
            return self.lookup(whole.group(2), section, chain)

        def replace(match):
            if match.group(1) == "$":
                return "$"
            found = self.lookup(match.group(2), section, chain)
            return found if isinstance(found, str) else format_value(found)

        return _REFERENCE_RE.sub(replace, value)

    def lookup(self, reference, section, chain):
        reference = reference.strip()
        if reference.startswith("env:"):
            return self.lookup_env(reference[4:])
        target, dot, key = reference.rpartition(".")
        if not dot:
            target = section if key in self.sections.get(section, {}) else ""
        if key not in self.sections.get(target, {}):
            raise InterpolationError(f"unknown reference ${{{reference}}} in section [{section}]")
        return self.resolve(target, key, chain)

    def lookup_env(self, spec):
        name, has_fallback, fallback = spec.partition(":-")
        if name in self.env:
            return self.env[name]
        if has_fallback:
            return fallback
        raise InterpolationError(f"environment variable {name!r} is not set")
