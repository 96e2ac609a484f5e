"""inikit: an INI/TOML-flavoured config parser."""

from .config import Config
from .dump import dump, dumps
from .errors import InikitError, InterpolationError, ParseError
from .parser import load, loads

__all__ = [
    "Config",
    "InikitError",
    "InterpolationError",
    "ParseError",
    "dump",
    "dumps",
    "load",
    "loads",
]
__version__ = "0.6.0"
