import pytest

import inikit
from inikit import ParseError


def test_root_keys_and_sections():
    cfg = inikit.loads("name = demo\n\n[server]\nhost = localhost\nport = 8080\n")
    assert cfg[""] == {"name": "demo"}
    assert cfg["server"] == {"host": "localhost", "port": 8080}
    assert list(cfg) == ["", "server"]


def test_repeated_section_header_merges_keys():
    cfg = inikit.loads("[a]\nx = 1\n[b]\ny = 2\n[a]\nz = 3\n")
    assert cfg["a"] == {"x": 1, "z": 3}
    assert cfg.sections() == ["a", "b"]


def test_dotted_section_names():
    cfg = inikit.loads("[server.http]\nport = 80\n[ server.tls ]\nport = 443\n")
    assert cfg["server.http"]["port"] == 80
    assert cfg["server.tls"]["port"] == 443


def test_inline_comments():
    text = "[s]\nport = 8080  # the port\nretries = 3 ; semicolon comment\nurl = http://example.com/#frag\n"
    cfg = inikit.loads(text)
    assert cfg["s"] == {"port": 8080, "retries": 3, "url": "http://example.com/#frag"}


def test_comment_lines_and_blank_lines_are_ignored():
    text = "# heading\n; another\n\n[s]\n   # indented comment\nx = 1\n\n"
    assert inikit.loads(text).to_dict() == {"s": {"x": 1}}


def test_multiline_string_drops_newline_after_opening_quotes():
    text = '[s]\nbanner = """\nHello\n  World\\t!\n"""\nafter = 1\n'
    cfg = inikit.loads(text)
    assert cfg["s"]["banner"] == "Hello\n  World\t!\n"
    assert cfg["s"]["after"] == 1
    literal = inikit.loads("[s]\npattern = '''\n\\d+\\s*\n'''\n")
    assert literal["s"]["pattern"] == "\\d+\\s*\n"


def test_list_spanning_several_lines():
    text = "[s]\nhosts = [\n  alpha,   # first\n  beta,\n  gamma,\n]\nnext = ok\n"
    cfg = inikit.loads(text)
    assert cfg["s"] == {"hosts": ["alpha", "beta", "gamma"], "next": "ok"}


def test_unterminated_multiline_string_reports_its_first_line():
    with pytest.raises(ParseError) as info:
        inikit.loads('[s]\nx = 1\ntext = """\nnever closed\n')
    assert info.value.lineno == 3


def test_duplicate_key_is_an_error():
    with pytest.raises(ParseError, match="duplicate key 'x'"):
        inikit.loads("[s]\nx = 1\nx = 2\n")


def test_line_without_equals_is_an_error():
    with pytest.raises(ParseError) as info:
        inikit.loads("[s]\njust some words\n")
    assert info.value.lineno == 2
    assert str(info.value).startswith("line 2:")


def test_invalid_section_header():
    with pytest.raises(ParseError, match="invalid section header"):
        inikit.loads("[bad name]\n")


def test_load_reads_a_file(tmp_path):
    path = tmp_path / "app.ini"
    path.write_text("[db]\nname = main\n", encoding="utf-8")
    assert inikit.load(path)["db"]["name"] == "main"
