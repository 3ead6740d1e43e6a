#!/bin/sh
# Builds the README tour's project in the folder given (default ./shop): a package with an
# import cycle that fails when shop.pricing is imported first, a class of 24 methods, the
# same coupon checks copied into two functions, its tests, and an uncommitted NOTES.txt.
# Then run the tour's commands in that folder.
set -e
dir=${1:-shop}
mkdir "$dir" && cd "$dir"
git init -q -b main
git config user.name "Ada Lovelace"
git config user.email ada@example.com
mkdir -p src/shop tests
: > src/shop/__init__.py

cat > src/shop/models.py <<'PY'
"""The orders customers place."""

from shop.pricing import price_of


class Order:
    def __init__(self, items):
        self.items = list(items)

    def total(self):
        return sum(price_of(item) for item in self.items)
PY

cat > src/shop/pricing.py <<'PY'
"""Prices of the items the shop sells."""

from shop import models

PRICES = {"apple": 3, "pear": 4}


def price_of(item):
    return PRICES[item]


def receipt(items):
    order = models.Order(items)
    return f"{len(order.items)} items: {order.total()}"
PY

cat > src/shop/inventory.py <<'PY'
"""What the shop has in stock, at what price, and what is set aside for orders."""


class Inventory:
    def __init__(self):
        self.stock = {}
        self.prices = {}
        self.reservations = {}
        self.log = []

    # Stock

    def add(self, sku, count):
        self.stock[sku] = self.stock.get(sku, 0) + count
        self.log.append(("add", sku, count))

    def remove(self, sku, count):
        if self.stock.get(sku, 0) < count:
            raise ValueError(f"only {self.stock.get(sku, 0)} of {sku} in stock")
        self.stock[sku] -= count
        self.log.append(("remove", sku, count))

    def count(self, sku):
        return self.stock.get(sku, 0)

    def skus(self):
        return sorted(self.stock)

    def in_stock(self, sku):
        return self.count(sku) > 0

    def total_items(self):
        return sum(self.stock.values())

    def available(self, sku):
        return self.count(sku) - self.reserved(sku)

    # Prices

    def set_price(self, sku, price):
        self.prices[sku] = price
        self.log.append(("price", sku, price))

    def price(self, sku):
        return self.prices[sku]

    def value(self):
        return sum(self.prices.get(sku, 0) * count for sku, count in self.stock.items())

    def cheapest(self):
        return min(self.prices, key=self.prices.get)

    def dearest(self):
        return max(self.prices, key=self.prices.get)

    def discount(self, sku, percent):
        self.set_price(sku, self.prices[sku] * (100 - percent) // 100)

    # Reservations

    def reserve(self, order_id, sku, count):
        self.reservations.setdefault(order_id, {})[sku] = count

    def release(self, order_id):
        self.reservations.pop(order_id, None)

    def reserved(self, sku):
        return sum(held.get(sku, 0) for held in self.reservations.values())

    def reservation(self, order_id):
        return dict(self.reservations.get(order_id, {}))

    def orders_holding(self, sku):
        return sorted(order for order, held in self.reservations.items() if sku in held)

    def clear_reservations(self):
        self.reservations.clear()

    # History

    def history(self):
        return list(self.log)

    def last_change(self):
        return self.log[-1] if self.log else None

    def changes_of(self, sku):
        return [entry for entry in self.log if entry[1] == sku]

    def clear_history(self):
        self.log.clear()
PY

cat > src/shop/coupons.py <<'PY'
"""Coupons customers enter at checkout."""

COUPONS = {"SPRING": 10, "MEMBER": 5}


def discount(code):
    if not code:
        raise ValueError("no coupon code given")
    if not code.isupper():
        raise ValueError(f"coupon codes are upper case: {code!r}")
    if code not in COUPONS:
        raise KeyError(f"unknown coupon: {code!r}")
    return COUPONS[code]


def describe(code):
    if not code:
        raise ValueError("no coupon code given")
    if not code.isupper():
        raise ValueError(f"coupon codes are upper case: {code!r}")
    if code not in COUPONS:
        raise KeyError(f"unknown coupon: {code!r}")
    return f"{code}: {COUPONS[code]}% off"
PY

cat > tests/test_coupons.py <<'PY'
import pytest

from shop.coupons import describe, discount


def test_coupons():
    assert discount("SPRING") == 10
    assert describe("MEMBER") == "MEMBER: 5% off"


@pytest.mark.parametrize("code", ["", "spring", "WINTER"])
def test_bad_codes(code):
    for use in (discount, describe):
        with pytest.raises((ValueError, KeyError)):
            use(code)
PY

cat > tests/test_shop.py <<'PY'
from shop.models import Order
from shop.inventory import Inventory
from shop.pricing import receipt


def test_order():
    assert Order(["pear"]).total() == 4


def test_receipt():
    assert receipt(["apple", "pear"]) == "2 items: 7"


def test_inventory():
    inv = Inventory()
    inv.add("apple", 5)
    inv.set_price("apple", 3)
    inv.reserve("o1", "apple", 2)
    assert inv.available("apple") == 3
    assert inv.orders_holding("apple") == ["o1"]
    inv.release("o1")
    assert inv.available("apple") == 5
    assert inv.value() == 15
    inv.discount("apple", 50)
    assert inv.price("apple") == 1
    assert inv.changes_of("apple")[-1] == ("price", "apple", 1)
PY

cat > pyproject.toml <<'PY'
[project]
name = "shop"
version = "0.1"

[tool.pytest.ini_options]
pythonpath = ["src"]
PY

git add -A
git commit -q -m "The shop"
echo "remember to call the supplier" > NOTES.txt
