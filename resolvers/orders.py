"""Order rules (rule 13 of docs/api.md): the minimum order amount and the checkout payment limit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from models import Debtor, Shop


class OrderRoute(str, Enum):
    BELOW_MINIMUM = "BELOW_MINIMUM"
    CHECKOUT = "CHECKOUT"
    DRAFT_ORDER = "DRAFT_ORDER"


@dataclass(frozen=True)
class OrderPolicy:
    route: OrderRoute
    minimum_order_amount: Decimal | None
    checkout_payment_limit: Decimal | None
    currency: str


def order_policy(shop: Shop, debtor: Debtor, amount: Decimal) -> OrderPolicy:
    """The debtor's overrides, else the shop's limits, applied to an order of `amount`."""
    minimum = (
        debtor.minimum_order_amount
        if debtor.minimum_order_amount is not None
        else shop.minimum_order_amount
    )
    limit = (
        debtor.checkout_payment_limit
        if debtor.checkout_payment_limit is not None
        else shop.checkout_payment_limit
    )
    if minimum is not None and amount < minimum:
        route = OrderRoute.BELOW_MINIMUM
    elif limit is not None and amount > limit:
        route = OrderRoute.DRAFT_ORDER
    else:
        route = OrderRoute.CHECKOUT
    return OrderPolicy(route, minimum, limit, shop.currency)
