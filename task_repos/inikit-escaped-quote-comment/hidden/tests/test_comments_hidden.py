import inikit


def test_inline_comment_after_escaped_quote():
    cfg = inikit.loads('[tv]\nsize = "55\\" screen"  # diagonal\nmodel = "a \\"b\\" c" ; note\n')
    assert cfg["tv"] == {"size": '55" screen', "model": 'a "b" c'}


def test_hash_after_escaped_quote_is_part_of_the_value():
    cfg = inikit.loads('[s]\ntitle = "the \\" #1 hit"\n')
    assert cfg["s"]["title"] == 'the " #1 hit'


def test_escaped_quote_inside_a_list_item_with_comment():
    cfg = inikit.loads('[s]\nsizes = ["12\\" wide", "15 wide"]  # inches\n')
    assert cfg["s"]["sizes"] == ['12" wide', "15 wide"]


def test_escaped_backslash_before_closing_quote():
    cfg = inikit.loads('[s]\npath = "C:\\\\temp\\\\"  # folder\n')
    assert cfg["s"]["path"] == "C:\\temp\\"
