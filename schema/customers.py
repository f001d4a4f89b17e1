"""Debtors, their contact persons and shop users, and the order rules they sign in under."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from auth.permissions import PasswordChangeNotPending, SeesColleagues, require_reach
from auth.roles import Capability
from models import CompanyRole, ShopUserStatus
from models import ContactPerson as ContactPersonModel
from models import Debtor as DebtorModel
from models import ShopUser as ShopUserModel
from resolvers.colleagues import colleagues_of
from resolvers.errors import ErrorCode, UserInputError
from resolvers.orders import OrderRoute, order_policy
from resolvers.ready_loads import Soon, now_or_later
from schema.context import GatehouseInfo
from schema.enums import describe_enum
from schema.errors import ClientInputError
from schema.nodes import Node, existing, global_id
from schema.sessions import Session, sessions_field
from schema.visibility import visible_contacts, visible_shop_users

if TYPE_CHECKING:
    from schema.shops import Shop

describe_enum(
    ShopUserStatus,
    name="ShopUserStatus",
    description="Where a shop user stands now.",
    values={
        ShopUserStatus.INVITED: "Made, but no password set yet: the invitation link is waiting.",
        ShopUserStatus.ACTIVE: "Has a password and may sign in.",
        ShopUserStatus.EXCLUDED: "Excluded by staff: cannot sign in until readmitted or the "
        "exclusion's end (excludedUntil) has passed.",
    },
)
describe_enum(
    CompanyRole,
    name="CompanyRole",
    description="What a shop user may do for its own company (its debtor) in its shop; staff "
    "set it with updateShopUser.",
    values={
        CompanyRole.MEMBER: "Orders for the company; the default.",
        CompanyRole.ADMIN: "Also lists its colleagues (viewer's colleagues), invites new ones "
        "(inviteColleague) and removes their logins (removeColleague), within its own debtor and shop.",
    },
)
describe_enum(
    OrderRoute,
    name="OrderRoute",
    description="Where an order of a given amount goes under a shop user's order rules.",
    values={
        OrderRoute.BELOW_MINIMUM: "Refused: the amount is below the minimum order amount.",
        OrderRoute.CHECKOUT: "Paid at checkout: at least the minimum, and at most the checkout "
        "payment limit (or there is no limit).",
        OrderRoute.DRAFT_ORDER: "Above the checkout payment limit: the order becomes a draft order "
        "for staff to follow up.",
    },
)

ShopRef = Annotated["Shop", strawberry.lazy("schema.shops")]

# Money: Decimal strings to the cent, in the shop's currency.
MINIMUM = "Orders below this amount are refused (BELOW_MINIMUM)"
LIMIT = "Orders above this amount become draft orders (DRAFT_ORDER)"


@strawberry.type(
    description="The order rules that apply to a shop user (its debtor's overrides, else its "
    "shop's), and the route they give an amount."
)
class OrderPolicy:
    route: OrderRoute = strawberry.field(description="Where the order of the amount asked about goes.")
    minimum_order_amount: Decimal | None = strawberry.field(
        description=f"{MINIMUM}; the limit applied, null when there is none."
    )
    checkout_payment_limit: Decimal | None = strawberry.field(
        description=f"{LIMIT}; the limit applied, null when there is none."
    )
    currency: str = strawberry.field(description="The shop's currency, an ISO 4217 code such as 'EUR'.")


@strawberry.type(
    description="A customer company, with its contact persons and order rules. Staff read every "
    "debtor; a shop user reads only its own."
)
class Debtor(Node):
    pk: strawberry.Private[int]
    number: str = strawberry.field(
        description="Unique customer number: 1 to 32 letters, digits, dots, slashes, hyphens or "
        "underscores, e.g. from the ERP; generated (D000042) when none is given."
    )
    name: str = strawberry.field(description="The company's name.")
    email: str | None = strawberry.field(description="The company's email address, in lower case.")
    phone: str | None = strawberry.field(description="The company's phone number, as given.")
    vat_number: str | None = strawberry.field(
        description="VAT number, compact and in upper case, e.g. 'NL853865392B01'."
    )
    address: str | None = strawberry.field(description="Postal address, as given (may span lines).")
    price_list_tags: list[str] = strawberry.field(
        description="Tags that choose the debtor's price lists in the shop."
    )
    minimum_order_amount: Decimal | None = strawberry.field(
        description=f"{MINIMUM}; overrides the shop's when set."
    )
    checkout_payment_limit: Decimal | None = strawberry.field(
        description=f"{LIMIT}; overrides the shop's when set."
    )

    @classmethod
    def from_model(cls, debtor: DebtorModel) -> Debtor:
        return cls(
            id=global_id("Debtor", debtor.id),
            pk=debtor.id,
            number=debtor.number,
            name=debtor.name,
            email=debtor.email,
            phone=debtor.phone,
            vat_number=debtor.vat_number,
            address=debtor.address,
            price_list_tags=list(debtor.price_list_tags),
            minimum_order_amount=debtor.minimum_order_amount,
            checkout_payment_limit=debtor.checkout_payment_limit,
        )

    @strawberry.field(
        description="The debtor's contact persons; a shop user sees only its own.",
    )
    async def contacts(self, info: GatehouseInfo) -> list[ContactPerson]:
        require_reach(info, Capability.READ_CUSTOMERS)
        rows = await info.context.loaders.contacts_by_debtor.load(self.pk)
        return [ContactPerson.from_model(row) for row in visible_contacts(info, rows)]


@strawberry.type(
    description="A person of a debtor, who may have logins (shop users). Staff read every contact "
    "person; a shop user reads only its own."
)
class ContactPerson(Node):
    pk: strawberry.Private[int]
    debtor_pk: strawberry.Private[int]
    first_name: str = strawberry.field(description="Given name.")
    last_name: str = strawberry.field(description="Family name.")
    email: str | None = strawberry.field(
        description="Email address, in lower case; mail to the person goes here."
    )
    phone: str | None = strawberry.field(description="Phone number, as given.")
    language: str = strawberry.field(
        description="The language mail to the person is written in: a code such as 'nl' or 'de-AT'."
    )

    @classmethod
    def from_model(cls, contact: ContactPersonModel) -> ContactPerson:
        return cls(
            id=global_id("ContactPerson", contact.id),
            pk=contact.id,
            debtor_pk=contact.debtor_id,
            first_name=contact.first_name,
            last_name=contact.last_name,
            email=contact.email,
            phone=contact.phone,
            language=contact.language,
        )

    @strawberry.field(
        description="The company the person belongs to.",
    )
    async def debtor(self, info: GatehouseInfo) -> Debtor:
        require_reach(info, Capability.READ_CUSTOMERS)
        return Debtor.from_model(existing(await info.context.loaders.debtor_by_id.load(self.debtor_pk)))

    @strawberry.field(
        description="The person's logins, one per shop at most: staff see those of their shops "
        "(with a role that reads shop users, else FORBIDDEN); a shop user sees only itself.",
    )
    async def shop_users(self, info: GatehouseInfo) -> list[ShopUser]:
        require_reach(info, Capability.READ_SHOP_USERS)
        rows = await info.context.loaders.shop_users_by_contact.load(self.pk)
        return [ShopUser.from_model(row) for row in visible_shop_users(info, rows)]


@strawberry.type(
    description="A customer's login to one shop, attached to one contact person. Staff read the "
    "shop users of their shops; a shop user reads only itself (as `viewer`), and a company admin "
    "also its colleagues."
)
class ShopUser(Node):
    model: strawberry.Private[ShopUserModel]
    username: str = strawberry.field(
        description="What the user signs in with; unique per shop, compared ignoring case. The "
        "email given, for a user made by approving a registration."
    )
    language: str = strawberry.field(
        description="The language of the user's mail, one of the shop's languages (e.g. 'nl')."
    )
    may_be_excluded: bool = strawberry.field(
        description="Whether staff may exclude this user (setExclusion)."
    )
    company_role: CompanyRole = strawberry.field(
        description="MEMBER, or ADMIN: the user manages its company's logins in this shop "
        "(colleagues, inviteColleague, removeColleague). Staff set it with updateShopUser."
    )
    must_change_password: bool = strawberry.field(
        description="Set when staff chose the password: until the user changes it (changePassword), "
        "it reads its own `viewer` (contact, debtor, shop, order rules) and may log out, and "
        "everything else answers PASSWORD_CHANGE_REQUIRED."
    )
    created_at: datetime = strawberry.field(description="When the user was made.")
    activated_at: datetime | None = strawberry.field(
        description="When a password was first set; null while INVITED."
    )
    last_login_at: datetime | None = strawberry.field(description="The last sign-in; null if none yet.")
    sessions: list[Session] = sessions_field("staff whose role supports shop users of its shop")

    @classmethod
    def from_model(cls, user: ShopUserModel) -> ShopUser:
        return cls(
            id=global_id("ShopUser", user.id),
            model=user,
            username=user.username,
            language=user.language,
            may_be_excluded=user.may_be_excluded,
            company_role=user.company_role,
            must_change_password=user.must_change_password,
            created_at=user.created_at,
            activated_at=user.activated_at,
            last_login_at=user.last_login_at,
        )

    def _excluded_now(self, info: GatehouseInfo) -> bool:
        return self.model.is_excluded_at(info.context.runtime.now())

    @strawberry.field(description="Excluded now; false again once a temporary exclusion has lifted.")
    def excluded(self, info: GatehouseInfo) -> bool:
        return self._excluded_now(info)

    @strawberry.field(
        description="Why staff excluded the user; null when not excluded now, and for a company "
        "admin reading its colleagues: staff's words stay with staff."
    )
    def exclusion_reason(self, info: GatehouseInfo) -> str | None:
        staff = info.context.viewer is not None and info.context.viewer.is_staff
        return self.model.exclusion_reason if staff and self._excluded_now(info) else None

    @strawberry.field(description="When the current exclusion began; null when not excluded now.")
    def excluded_since(self, info: GatehouseInfo) -> datetime | None:
        return self.model.excluded_since if self._excluded_now(info) else None

    @strawberry.field(
        description="When the current exclusion lifts by itself; null when it lasts until "
        "readmitted, or the user is not excluded now."
    )
    def excluded_until(self, info: GatehouseInfo) -> datetime | None:
        return self.model.excluded_until if self._excluded_now(info) else None

    @strawberry.field(description="INVITED until a password is set, EXCLUDED while excluded, else ACTIVE.")
    def status(self, info: GatehouseInfo) -> ShopUserStatus:
        return self.model.status_at(info.context.runtime.now())

    @strawberry.field(
        permission_classes=[PasswordChangeNotPending, SeesColleagues],
        description="For a company admin (companyRole ADMIN) reading its own viewer: the shop "
        "users of its debtor in its shop, itself included, oldest first. Anyone else, a MEMBER "
        "included: a GraphQL error FORBIDDEN.",
    )
    async def colleagues(self, info: GatehouseInfo) -> list[ShopUser]:
        rows = await colleagues_of(self.model)
        loaders = info.context.loaders
        for row in rows:
            # Read with the list: their contact persons and debtor cost no further query.
            loaders.contact_person_by_id.prime(row.contact_id, row.contact)
            loaders.debtor_by_id.prime(row.contact.debtor_id, row.contact.debtor)
        return [ShopUser.from_model(row) for row in rows]

    @strawberry.field(
        description="The person this login belongs to.",
        graphql_type=ContactPerson,
    )
    def contact(self, info: GatehouseInfo) -> Soon[ContactPerson]:
        require_reach(info, Capability.READ_CUSTOMERS)
        return now_or_later(
            info.context.loaders.contact_person_by_id, self.model.contact_id,
            lambda row: ContactPerson.from_model(existing(row)),
        )

    @strawberry.field(
        description="The contact person's company.",
    )
    async def debtor(self, info: GatehouseInfo) -> Debtor:
        require_reach(info, Capability.READ_CUSTOMERS)
        return Debtor.from_model(await self._debtor_model(info))

    @strawberry.field(description="The shop this login is for.")
    async def shop(self, info: GatehouseInfo) -> ShopRef:
        require_reach(info, Capability.READ_SHOPS)
        from schema.shops import Shop

        return Shop.from_model(existing(await info.context.loaders.shop_by_id.load(self.model.shop_id)))

    @strawberry.field(
        description="Where an order of `amount` goes under this user's order rules, so a storefront "
        "never re-implements them.",
    )
    async def order_policy(
        self,
        info: GatehouseInfo,
        amount: Annotated[
            Decimal,
            strawberry.argument(
                description="The order's total in the shop's currency, 0 or more; a negative "
                "amount: a GraphQL error INVALID."
            ),
        ],
    ) -> OrderPolicy:
        require_reach(info, Capability.READ_CUSTOMERS)
        if not amount.is_finite() or amount < 0:
            raise ClientInputError(
                UserInputError.of(ErrorCode.INVALID, "Use an amount of 0 or more.", "amount")
            )
        loaders = info.context.loaders
        shop = existing(await loaders.shop_by_id.load(self.model.shop_id))
        policy = order_policy(shop, await self._debtor_model(info), amount)
        return OrderPolicy(
            route=policy.route,
            minimum_order_amount=policy.minimum_order_amount,
            checkout_payment_limit=policy.checkout_payment_limit,
            currency=policy.currency,
        )

    async def _debtor_model(self, info: GatehouseInfo) -> DebtorModel:
        loaders = info.context.loaders
        contact = existing(await loaders.contact_person_by_id.load(self.model.contact_id))
        return existing(await loaders.debtor_by_id.load(contact.debtor_id))
