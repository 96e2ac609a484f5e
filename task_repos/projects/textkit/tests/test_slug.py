from textkit.slug import slugify


def test_slugify_basic():
    assert slugify("Hello, World!") == "hello-world"


def test_slugify_strips_accents():
    assert slugify("Crème Brûlée à la carte") == "creme-brulee-a-la-carte"


def test_slugify_custom_separator():
    assert slugify("  Release notes: v2.0  ", sep="_") == "release_notes_v2_0"


def test_slugify_max_length_cuts_at_word_boundary():
    assert slugify("a tale of two cities", max_length=12) == "a-tale-of"
    assert slugify("unbreakable", max_length=5) == "unbre"
