import pytest

from shelf import OutOfStock, Shelf, ShelfError


def test_add_and_count():
    shelf = Shelf()
    shelf.add("apple", 3)
    shelf.add("apple")
    assert shelf.count("apple") == 4
    assert shelf.count("pear") == 0


def test_capacity_is_enforced():
    shelf = Shelf(capacity=5)
    shelf.add("apple", 5)
    with pytest.raises(ShelfError):
        shelf.add("pear")


def test_take_removes_empty_items():
    shelf = Shelf()
    shelf.add("apple", 2)
    shelf.take("apple", 2)
    assert shelf.count("apple") == 0
    assert shelf.low() == []


def test_take_more_than_held():
    shelf = Shelf()
    shelf.add("apple")
    with pytest.raises(OutOfStock):
        shelf.take("apple", 2)


def test_out_of_stock_is_a_shelf_error():
    assert issubclass(OutOfStock, ShelfError)


def test_total_and_low():
    shelf = Shelf()
    shelf.add("pear", 5)
    shelf.add("apple", 1)
    shelf.add("fig", 2)
    assert shelf.total() == 8
    assert shelf.low() == ["apple", "fig"]


def test_bad_arguments():
    with pytest.raises(ShelfError):
        Shelf(capacity=0)
    with pytest.raises(ShelfError):
        Shelf().add("apple", 0)
