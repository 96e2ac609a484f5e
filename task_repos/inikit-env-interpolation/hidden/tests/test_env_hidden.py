import pytest

import inikit
from inikit import InterpolationError


def test_env_reference_inside_a_string():
    cfg = inikit.loads("[paths]\nlogs = ${env:HOME}/logs\n", env={"HOME": "/home/ada"})
    assert cfg["paths"]["logs"] == "/home/ada/logs"


def test_env_fallback_when_variable_is_missing():
    cfg = inikit.loads("[s]\nport = ${env:PORT:-8080}\nhost = ${env:HOST:-}\n", env={})
    assert cfg["s"] == {"port": "8080", "host": ""}


def test_env_value_wins_over_fallback():
    cfg = inikit.loads("[s]\nport = ${env:PORT:-8080}\n", env={"PORT": "9000"})
    assert cfg["s"]["port"] == "9000"


def test_missing_variable_without_fallback_is_an_error():
    with pytest.raises(InterpolationError, match="PORT"):
        inikit.loads("[s]\nport = ${env:PORT}\n", env={"HOME": "/root"})


def test_env_through_other_references_and_lists():
    text = "root = ${env:ROOT}\n[dirs]\nall = [${root}/a, ${root}/b]\n"
    cfg = inikit.loads(text, env={"ROOT": "/data"})
    assert cfg["dirs"]["all"] == ["/data/a", "/data/b"]


def test_load_accepts_env(tmp_path):
    path = tmp_path / "app.ini"
    path.write_text("[db]\nuser = ${env:DB_USER}\n", encoding="utf-8")
    assert inikit.load(path, env={"DB_USER": "svc"})["db"]["user"] == "svc"


def test_references_without_env_still_work():
    cfg = inikit.loads("[s]\na = 1\nb = ${a}\n")
    assert cfg["s"]["b"] == 1
