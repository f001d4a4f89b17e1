"""`node(id:)`: any object by global id, scoped to what the viewer may see.

A customer reaches only its own user, contact, debtor and shop. Staff reach the
kinds their role may read, of their shops (the loaders read through their scope),
and staff accounts as `auth.sessions.manages_colleague` says. Anything else reads
as null, exactly like an id that does not exist.
"""

from __future__ import annotations

from strawberry.types import Info

from auth.roles import Capability
from auth.sessions import manages_colleague
from auth.viewer import Viewer
from resolvers import webhooks
from schema.accounts import AdminUser
from schema.audit import AuditEvent
from schema.customers import ContactPerson, Debtor, ShopUser
from schema.nodes import Node, parse_global_id
from schema.outbox import OutboxMessage
from schema.registrations import RegistrationRequest
from schema.sessions import session_node
from schema.shops import RegistrationField, Shop
from schema.visibility import own_shop_user
from schema.webhooks import Webhook, WebhookDelivery

# What a staff role needs to read a node of each kind, as it would in the lists.
_READ_BY_STAFF = {
    "Shop": Capability.READ_SHOPS,
    "RegistrationField": Capability.READ_SHOPS,
    "Debtor": Capability.READ_CUSTOMERS,
    "ContactPerson": Capability.READ_CUSTOMERS,
    "ShopUser": Capability.READ_SHOP_USERS,
    "RegistrationRequest": Capability.READ_REQUESTS,
    "AuditEvent": Capability.READ_AUDIT,
    "OutboxMessage": Capability.READ_MAIL,
    "Webhook": Capability.MANAGE_WEBHOOKS,
    "WebhookDelivery": Capability.MANAGE_WEBHOOKS,
}


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
        case "Session":  # its own only: _load asks whose it is, for staff as for customers
            return True
    return False


async def _load(info: Info, type_name: str, pk: int) -> Node | None:
    loaders = info.context.loaders
    match type_name:
        case "Session":
            return await session_node(info, pk)
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
            row = await loaders.registration_field_by_id.load(pk)
            if row is None:
                return None
            shop = await loaders.shop_by_id.load(row.shop_id)
            return RegistrationField.from_model(row, list(shop.languages) if shop else [])
        case "RegistrationRequest":
            row = await loaders.registration_request_by_id.load(pk)
            return RegistrationRequest.from_model(row) if row else None
        case "AuditEvent":
            row = await loaders.audit_event_by_id.load(pk)
            return AuditEvent.from_model(row) if row else None
        case "OutboxMessage":
            row = await loaders.outbox_message_by_id.load(pk)
            return OutboxMessage.from_model(row) if row else None
        case "Webhook":
            webhook = await webhooks.find_webhook(info.context.caller.scope, pk)
            return Webhook.from_model(webhook) if webhook else None
        case "WebhookDelivery":
            found = await webhooks.find_delivery(info.context.caller.scope, pk)
            return WebhookDelivery.from_model(found[0], Webhook.from_model(found[1])) if found else None
    return None


async def _staff_may_see(info: Info, viewer: Viewer, type_name: str, pk: int) -> bool:
    """Whether the staff role reads this kind (the scope is the loaders' business)."""
    if type_name == "AdminUser":
        admin = await info.context.loaders.admin_user_by_id.load(pk)
        return admin is not None and await manages_colleague(viewer, admin)
    capability = _READ_BY_STAFF.get(type_name)
    return capability is None or viewer.may(capability)



async def resolve_node(info: Info, node_id: str) -> Node | None:
    viewer = info.context.viewer
    parsed = parse_global_id(node_id)
    if viewer is None or parsed is None:
        return None
    type_name, pk = parsed
    if viewer.is_staff:
        if not await _staff_may_see(info, viewer, type_name, pk):
            return None
    elif not await _customer_may_see(info, type_name, pk):
        return None
    return await _load(info, type_name, pk)
