"""`node(id:)`: any object by global id, scoped to what the viewer may see.

A customer reaches only its own user, contact, debtor and shop; anything else
reads as null, exactly like an id that does not exist.
"""

from __future__ import annotations

from strawberry.types import Info

from models import AuditEvent as AuditEventModel
from models import RegistrationField as RegistrationFieldModel
from models import RegistrationRequest as RegistrationRequestModel
from schema.accounts import AdminUser
from schema.audit import AuditEvent
from schema.customers import ContactPerson, Debtor, ShopUser
from schema.nodes import Node, parse_global_id
from schema.registrations import RegistrationRequest
from schema.shops import RegistrationField, Shop
from schema.visibility import own_shop_user


async def _customer_may_see(info: Info, type_name: str, pk: int) -> bool:
    me = own_shop_user(info)
    if me is None:  # staff, who are not asked about
        return False
    match type_name:
        case "ShopUser":
            return pk == me.id
        case "ContactPerson":
            return pk == me.contact_id
        case "Shop":
            return pk == me.shop_id
        case "Debtor":
            contact = await info.context.loaders.contact_person_by_id.load(me.contact_id)
            return contact is not None and pk == contact.debtor_id
    return False


async def _load(info: Info, type_name: str, pk: int) -> Node | None:
    loaders = info.context.loaders
    match type_name:
        case "Shop":
            row = await loaders.shop_by_id.load(pk)
            return Shop.from_model(row) if row else None
        case "Debtor":
            row = await loaders.debtor_by_id.load(pk)
            return Debtor.from_model(row) if row else None
        case "ContactPerson":
            row = await loaders.contact_person_by_id.load(pk)
            return ContactPerson.from_model(row) if row else None
        case "ShopUser":
            row = await loaders.shop_user_by_id.load(pk)
            return ShopUser.from_model(row) if row else None
        case "AdminUser":
            row = await loaders.admin_user_by_id.load(pk)
            return AdminUser.from_model(row) if row else None
        case "RegistrationField":
            row = await RegistrationFieldModel.get_or_none(id=pk)
            return RegistrationField.from_model(row) if row else None
        case "RegistrationRequest":
            row = await RegistrationRequestModel.get_or_none(id=pk)
            return RegistrationRequest.from_model(row) if row else None
        case "AuditEvent":
            row = await AuditEventModel.get_or_none(id=pk)
            return AuditEvent.from_model(row) if row else None
    return None


async def resolve_node(info: Info, node_id: str) -> Node | None:
    viewer = info.context.viewer
    parsed = parse_global_id(node_id)
    if viewer is None or parsed is None:
        return None
    type_name, pk = parsed
    if not viewer.is_staff and not await _customer_may_see(info, type_name, pk):
        return None
    return await _load(info, type_name, pk)
