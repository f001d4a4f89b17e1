"""What a customer may see of the objects around it; staff see what their role and shops allow."""

from __future__ import annotations

from strawberry.types import Info

from auth.roles import Capability
from models import ContactPerson, ShopUser


def own_shop_user(info: Info) -> ShopUser | None:
    """The signed-in customer's shop user, or None for staff."""
    viewer = info.context.viewer
    return viewer.shop_user if viewer is not None and not viewer.is_staff else None


def staff_reads(info: Info, capability: Capability, shop_id: int) -> bool:
    """Whether the caller is staff who may read what `capability` covers, in shop `shop_id`."""
    viewer = info.context.viewer
    return viewer is not None and viewer.may(capability) and viewer.scope.allows(shop_id)


def visible_contacts(info: Info, contacts: list[ContactPerson]) -> list[ContactPerson]:
    me = own_shop_user(info)
    return contacts if me is None else [c for c in contacts if c.id == me.contact_id]


def visible_shop_users(info: Info, users: list[ShopUser]) -> list[ShopUser]:
    me = own_shop_user(info)
    return users if me is None else [u for u in users if u.id == me.id]
