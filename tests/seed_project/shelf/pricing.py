"""Prices in cents: discounts, bulk tiers, parsing."""

TIERS = ((100, 20), (10, 10))  # (minimum quantity, percent off), largest first


def discount(cents, percent):
    """`cents` with `percent` off, rounded down to a whole cent."""
    if not 0 <= percent <= 100:
        raise ValueError("percent must be between 0 and 100")
    return cents * (100 - percent) // 100


def bulk_price(unit_cents, quantity):
    """Total for `quantity` units, with the first tier the quantity reaches applied."""
    total = unit_cents * quantity
    for minimum, percent in TIERS:
        if quantity >= minimum:
            return discount(total, percent)
    return total


def parse_price(text):
    """'$1.50' or '1.5' -> 150 cents; ValueError on anything else."""
    text = text.strip().removeprefix("$")
    try:
        whole, _, frac = text.partition(".")
        cents = int(whole) * 100 + int((frac + "00")[:2] or 0)
    except ValueError:
        raise ValueError(f"not a price: {text!r}") from None
    return cents
