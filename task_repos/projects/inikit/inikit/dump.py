"""Writing a Config (or any mapping of sections) back to text."""

from pathlib import Path

from .values import format_value


def dumps(config):
    """Text that loads back to an equal Config. Root keys come first."""
    lines = []
    root = config.get("", {})
    for key, value in root.items():
        lines.append(f"{key} = {format_value(value)}")
    for name, values in config.items():
        if name == "":
            continue
        if lines:
            lines.append("")
        lines.append(f"[{name}]")
        for key, value in values.items():
            lines.append(f"{key} = {format_value(value)}")
    return "\n".join(lines) + "\n" if lines else ""


def dump(config, path):
    Path(path).write_text(dumps(config), encoding="utf-8")
