"""URL slugs from arbitrary titles."""

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, sep: str = "-", max_length=None) -> str:
    """Lowercase ASCII slug of `text`, words joined by `sep`.

    Accents are stripped (``"Crème brûlée"`` becomes ``"creme-brulee"``);
    characters with no ASCII form are dropped. With `max_length`, the slug is
    cut at a word boundary when one exists.
    """
    if not sep:
        raise ValueError("sep must not be empty")
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NOT_SLUG.sub(sep, ascii_text).strip(sep)
    if max_length is None or len(slug) <= max_length:
        return slug
    if max_length < 1:
        return ""
    cut = slug[: max_length + 1]
    boundary = cut.rfind(sep)
    if boundary > 0:
        return cut[:boundary].strip(sep)
    return slug[:max_length].strip(sep)
