"""Stock on shelves, and prices."""

from shelf.pricing import bulk_price, discount, parse_price
from shelf.stock import OutOfStock, Shelf, ShelfError

__all__ = ["OutOfStock", "Shelf", "ShelfError", "bulk_price", "discount", "parse_price"]
