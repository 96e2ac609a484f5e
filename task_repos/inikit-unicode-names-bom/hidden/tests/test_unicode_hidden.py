import inikit


def test_non_ascii_section_and_key_names():
    cfg = inikit.loads("[größe]\nbreite = 3\n[設定]\n名前 = \"太郎\"\ncafé = oui\n")
    assert cfg["größe"] == {"breite": 3}
    assert cfg["設定"] == {"名前": "太郎", "café": "oui"}


def test_references_to_non_ascii_names():
    cfg = inikit.loads("[café]\nprix = 3\n[menu]\ntotal = ${café.prix}\n")
    assert cfg["menu"]["total"] == 3


def test_leading_byte_order_mark_is_ignored(tmp_path):
    assert inikit.loads("\ufeff[app]\nname = demo\n")["app"]["name"] == "demo"
    path = tmp_path / "bom.ini"
    path.write_text("mode = fast\n", encoding="utf-8-sig")
    assert inikit.load(path)[""]["mode"] == "fast"


def test_non_ascii_values():
    cfg = inikit.loads('[s]\ngreeting = "héllo wörld"\nemoji = 🎉\n')
    assert cfg["s"] == {"greeting": "héllo wörld", "emoji": "🎉"}
