"""The parsed configuration: a read-only mapping of section name to key/value dict."""

from collections.abc import Mapping

_MISSING = object()
_TRUE_WORDS = {"true", "yes", "on", "1"}
_FALSE_WORDS = {"false", "no", "off", "0"}


class Config(Mapping):
    """Sections in file order; each section is a dict of typed values."""

    def __init__(self, sections=None):
        self._sections = {name: dict(values) for name, values in (sections or {}).items()}

    def __getitem__(self, name):
        return self._sections[name]

    def __iter__(self):
        return iter(self._sections)

    def __len__(self):
        return len(self._sections)

    def __repr__(self):
        return f"Config({self._sections!r})"

    def sections(self):
        """Names of the named sections (the root section "" is left out)."""
        return [name for name in self._sections if name]

    def to_dict(self):
        return {name: dict(values) for name, values in self._sections.items()}

    def value(self, section, key, default=_MISSING):
        """The raw typed value, or default when the section or key is missing."""
        try:
            return self._sections[section][key]
        except KeyError:
            if default is _MISSING:
                raise KeyError(f"{section}.{key}" if section else key) from None
            return default

    def getstr(self, section, key, default=_MISSING):
        value = self.value(section, key, default)
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def getint(self, section, key, default=_MISSING):
        value = self.value(section, key, default)
        if isinstance(value, bool):
            raise TypeError(f"{section}.{key} is a boolean, not an integer")
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"{section}.{key} = {value!r} is not a whole number")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValueError(f"{section}.{key} = {value!r} is not an integer") from None

    def getfloat(self, section, key, default=_MISSING):
        value = self.value(section, key, default)
        if isinstance(value, bool):
            raise TypeError(f"{section}.{key} is a boolean, not a number")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{section}.{key} = {value!r} is not a number") from None

    def getbool(self, section, key, default=_MISSING):
        value = self.value(section, key, default)
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        raise ValueError(f"{section}.{key} = {value!r} is not a boolean")

    def getlist(self, section, key, default=_MISSING):
        """A list value as is; a string is split on commas."""
        value = self.value(section, key, default)
        if isinstance(value, list):
            return list(value)
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return [value]
