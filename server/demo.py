"""Demo data for a first look: an admin, two shops, debtors, contacts, users, pending requests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tortoise.transactions import in_transaction

from models import (
    AdminUser,
    ApprovalMode,
    ContactPerson,
    Debtor,
    RegistrationAnswer,
    RegistrationField,
    RegistrationRequest,
    Shop,
    ShopUser,
    StaffRole,
)
from models.field_types import RegistrationFieldType
from resolvers.runtime import Runtime

ADMIN_EMAIL = "admin@gatehouse.test"
# A reviewer of flora only, to see what a role and a shop scope leave out.
REVIEWER_EMAIL = "reviewer@gatehouse.test"
# Published on purpose: the demo prints them so a newcomer can sign in.
ADMIN_PASSWORD = "Gatehouse-demo-2026"  # noqa: S105
CUSTOMER_PASSWORD = "Tulips-in-May-42"  # noqa: S105


FLORA_STOREFRONT = "http://127.0.0.1:3000"
GREENHOUSE_STOREFRONT = "http://127.0.0.1:3001"


@dataclass(frozen=True)
class DemoCustomer:
    shop: str
    debtor: str
    number: str
    first_name: str
    last_name: str
    email: str
    language: str
    tags: tuple[str, ...]


CUSTOMERS = [
    DemoCustomer(
        "flora", "Bloemenhuis Jansen", "10001", "Anna", "Jansen", "anna@bloemenhuis.test", "nl", ("retail",)
    ),
    DemoCustomer(
        "greenhouse", "Fleurs de Lyon", "10002", "Camille", "Martin", "camille@fleurs.test", "fr",
        ("retail", "export"),
    ),
    DemoCustomer(
        "flora", "Blumen Becker", "10003", "Lukas", "Becker", "lukas@blumen-becker.test", "de", ("wholesale",)
    ),
    DemoCustomer(
        "greenhouse", "Green Stems Ltd", "10004", "Oliver", "Smith", "oliver@greenstems.test", "en",
        ("events",),
    ),
]

BUSINESS_TYPES = {
    "florist": {"nl": "Bloemist", "en": "Florist", "de": "Florist", "fr": "Fleuriste"},
    "garden_centre": {"nl": "Tuincentrum", "en": "Garden centre", "de": "Gartencenter", "fr": "Jardinerie"},
    "wholesaler": {"nl": "Groothandel", "en": "Wholesaler", "de": "Großhändler", "fr": "Grossiste"},
}
PENDING = [
    ("Eva Visser", "eva@tuincentrum-visser.test", "Tuincentrum Visser", "nl", "12345678", "garden_centre"),
    ("Noah Dubois", "noah@atelier-floral.test", "Atelier Floral", "fr", "87654321", "florist"),
]


async def has_data() -> bool:
    return await Shop.exists() or await AdminUser.exists()


async def has_demo() -> bool:
    """Whether the demo's staff account is there, so its sign-in lines still hold."""
    return await AdminUser.exists(email=ADMIN_EMAIL)


async def load_demo(runtime: Runtime) -> None:
    """Fills an empty database; call `has_data()` first."""
    admin_hash = await runtime.passwords.hash(ADMIN_PASSWORD)
    customer_hash = await runtime.passwords.hash(CUSTOMER_PASSWORD)
    async with in_transaction():
        await AdminUser.create(email=ADMIN_EMAIL, name="Demo Admin", password_hash=admin_hash)
        reviewer = await AdminUser.create(
            email=REVIEWER_EMAIL, name="Demo Reviewer", password_hash=admin_hash,
            role=StaffRole.REVIEWER, all_shops=False,
        )
        flora = await Shop.create(
            handle="flora",
            name="Flora Wholesale",
            registration_enabled=True,
            approval_mode=ApprovalMode.MANUAL,
            default_price_list_tags=["standard"],
            minimum_order_amount=Decimal("150.00"),
            checkout_payment_limit=Decimal("5000.00"),
            notification_email="sales@flora.test",
            storefront_url=FLORA_STOREFRONT,
        )
        await reviewer.shops.add(flora)
        greenhouse = await Shop.create(
            handle="greenhouse",
            name="Greenhouse Growers Direct",
            registration_enabled=True,
            approval_mode=ApprovalMode.AUTOMATIC,
            default_price_list_tags=["growers"],
            minimum_order_amount=Decimal("250.00"),
            languages=["en", "nl"],
            notification_email="office@greenhouse.test",
            storefront_url=GREENHOUSE_STOREFRONT,
        )
        kvk = await RegistrationField.create(
            shop=flora, key="chamber_of_commerce", position=1,
            labels={"nl": "KvK-nummer", "en": "Chamber of Commerce number",
                    "de": "Handelsregisternummer", "fr": "Numéro d'enregistrement (KvK)"},
        )
        kind = await RegistrationField.create(
            shop=flora, key="business_type", position=2, type=RegistrationFieldType.CHOICE,
            labels={"nl": "Soort bedrijf", "en": "Type of business", "de": "Art des Betriebs",
                    "fr": "Type d'entreprise"},
            options=[
                {"value": value, "labels": labels} for value, labels in BUSINESS_TYPES.items()
            ],
        )
        await RegistrationField.create(
            shop=flora, key="vat_number", position=3, type=RegistrationFieldType.VAT_NUMBER,
            required=False,
            labels={"nl": "Btw-nummer", "en": "VAT number", "de": "USt-IdNr.", "fr": "Numéro de TVA"},
            help_texts={"nl": "Bijvoorbeeld NL004495445B01", "en": "For example NL004495445B01"},
        )
        await RegistrationField.create(
            shop=flora, key="terms", position=4, type=RegistrationFieldType.CHECKBOX,
            labels={
                "nl": "Ik ga akkoord met de leveringsvoorwaarden",
                "en": "I accept the terms of delivery",
                "de": "Ich akzeptiere die Lieferbedingungen",
                "fr": "J'accepte les conditions de livraison",
            },
        )
        shops = {"flora": flora, "greenhouse": greenhouse}
        for index, customer in enumerate(CUSTOMERS):
            debtor = await Debtor.create(
                number=customer.number,
                name=customer.debtor,
                email=customer.email,
                price_list_tags=list(customer.tags),
                checkout_payment_limit=Decimal("2500.00") if index == 0 else None,
            )
            contact = await ContactPerson.create(
                debtor=debtor,
                first_name=customer.first_name,
                last_name=customer.last_name,
                email=customer.email,
                language=customer.language,
            )
            shop = shops[customer.shop]
            await ShopUser.create(
                shop=shop,
                contact=contact,
                username=customer.email,
                password_hash=customer_hash,
                # Greenhouse offers no French: Camille reads its mails in its first language.
                language=customer.language if customer.language in shop.languages else shop.languages[0],
            )
        for name, email, company, language, number, business in PENDING:
            request = await RegistrationRequest.create(
                shop=flora, name=name, email=email, company=company, language=language
            )
            await RegistrationAnswer.create(
                request=request, key=kvk.key, label=kvk.labels[language], labels=kvk.labels,
                value=number, values=[number], position=1,
            )
            await RegistrationAnswer.create(
                request=request, key=kind.key, type=kind.type, label=kind.labels[language],
                labels=kind.labels, option_labels={business: BUSINESS_TYPES[business]},
                value=business, values=[business], position=2,
            )


def sign_in_help(url: str, *, graphiql: bool) -> str:
    """How to sign in to the demo, printed at every start that serves it."""
    customers = [
        f'    login(input: {{shop: "{c.shop}", username: "{c.email}", password: "{CUSTOMER_PASSWORD}"}})'
        for c in CUSTOMERS
    ]
    return "\n".join(
        [
            f"Gatehouse demo. GraphiQL: {url}/graphql"
            if graphiql
            else f"Gatehouse demo. GraphQL: POST {url}/graphql (GraphiQL needs GATEHOUSE_DEBUG=1)",
            "  staff:",
            f'    adminLogin(input: {{email: "{ADMIN_EMAIL}", password: "{ADMIN_PASSWORD}"}})  (owner)',
            f'    adminLogin(input: {{email: "{REVIEWER_EMAIL}", password: "{ADMIN_PASSWORD}"}})'
            "  (reviewer of flora only)",
            "  customers:",
            *customers,
            f"  shops: flora (manual approval, {len(PENDING)} pending requests, storefront "
            f"{FLORA_STOREFRONT}), greenhouse (automatic approval, storefront {GREENHOUSE_STOREFRONT})",
            "  start afresh: make demo-reset (gatehouse demo --reset)",
        ]
    )
