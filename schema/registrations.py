"""Self-registration: the public form, and the requests staff review."""

from __future__ import annotations

from datetime import datetime

import strawberry

from auth.permissions import reaching
from auth.roles import Capability
from models import ApprovalMode, RegistrationStatus
from models import RegistrationAnswer as RegistrationAnswerModel
from models import RegistrationRequest as RegistrationRequestModel
from resolvers.registration_fields import RegistrationForm as RegistrationFormValue
from schema.accounts import AdminUser
from schema.context import GatehouseInfo
from schema.customers import Debtor, ShopUser
from schema.enums import describe_enum
from schema.nodes import Node, existing, global_id
from schema.shops import RegistrationField, Shop

describe_enum(
    RegistrationStatus,
    name="RegistrationStatus",
    description="Where a registration request stands.",
    values={
        RegistrationStatus.PENDING: "Waiting for staff to approve or reject it.",
        RegistrationStatus.APPROVED: "Approved: debtor, contact person and shop user exist, and the "
        "customer was invited (or, in AUTOMATIC mode, could sign in at once).",
        RegistrationStatus.REJECTED: "Rejected; kept, with the reason, and staff may still approve it.",
    },
)


@strawberry.type(description="A shop's registration form, for anonymous storefronts (registrationForm).")
class RegistrationForm:
    shop: str = strawberry.field(description="The shop's handle.")
    open: bool = strawberry.field(
        description="Whether the shop takes registrations now; when false, submitRegistration "
        "answers REGISTRATION_DISABLED."
    )
    approval_mode: ApprovalMode = strawberry.field(
        description="MANUAL: staff review first, and the form asks no password. AUTOMATIC: the "
        "customer chooses a password in the form and can sign in at once."
    )
    fields: list[RegistrationField] = strawberry.field(
        description="The extra questions, in order, after name and email; every one must be answered."
    )
    languages: list[str] = strawberry.field(
        description="Offered languages (codes such as 'nl'); the first is the default."
    )

    @classmethod
    def from_value(cls, form: RegistrationFormValue) -> RegistrationForm:
        return cls(
            shop=form.shop.handle,
            open=form.open,
            approval_mode=form.approval_mode,
            fields=[RegistrationField.from_model(field) for field in form.fields],
            languages=list(form.shop.languages),
        )


@strawberry.type(description="An answer to an extra question, with the question's label as it was asked.")
class RegistrationAnswer:
    key: str = strawberry.field(description="The key of the question (RegistrationField.key).")
    label: str = strawberry.field(
        description="The label the question had when answered; later changes to the field leave it."
    )
    value: str = strawberry.field(description="The answer, trimmed.")

    @classmethod
    def from_model(cls, answer: RegistrationAnswerModel) -> RegistrationAnswer:
        return cls(key=answer.key, label=answer.label, value=answer.value)


@strawberry.type(description="A self-registration with a shop, and what staff decided (staff only).")
class RegistrationRequest(Node):
    model: strawberry.Private[RegistrationRequestModel]
    name: str = strawberry.field(description="The applicant's full name.")
    email: str = strawberry.field(
        description="The applicant's email, in lower case; the username of the user an approval makes."
    )
    company: str | None = strawberry.field(description="The company named in the form, if any.")
    language: str = strawberry.field(description="The applicant's language, one of the shop's (e.g. 'nl').")
    status: RegistrationStatus = strawberry.field(description="Pending, approved or rejected.")
    submitted_at: datetime = strawberry.field(description="When the form was sent.")
    decided_at: datetime | None = strawberry.field(
        description="When it was last approved or rejected; null while PENDING."
    )
    rejection_reason: str | None = strawberry.field(
        description="The reason given with the rejection; null if none, or not rejected."
    )

    @classmethod
    def from_model(cls, request: RegistrationRequestModel) -> RegistrationRequest:
        return cls(
            id=global_id("RegistrationRequest", request.id),
            model=request,
            name=request.name,
            email=request.email,
            company=request.company,
            language=request.language,
            status=request.status,
            submitted_at=request.submitted_at,
            decided_at=request.decided_at,
            rejection_reason=request.rejection_reason,
        )

    @strawberry.field(
        permission_classes=reaching(Capability.READ_SHOPS), description="The shop registered with."
    )
    async def shop(self, info: GatehouseInfo) -> Shop:
        return Shop.from_model(existing(await info.context.loaders.shop_by_id.load(self.model.shop_id)))

    @strawberry.field(description="The answers to the shop's extra questions, in the form's order.")
    async def answers(self, info: GatehouseInfo) -> list[RegistrationAnswer]:
        rows = await info.context.loaders.answers_by_request.load(self.model.id)
        return [RegistrationAnswer.from_model(row) for row in rows]

    @strawberry.field(
        description="The admin who last approved or rejected it; null while PENDING and for "
        "AUTOMATIC approvals."
    )
    async def decided_by(self, info: GatehouseInfo) -> AdminUser | None:
        if self.model.decided_by_id is None:
            return None
        admin = await info.context.loaders.admin_user_by_id.load(self.model.decided_by_id)
        return AdminUser.from_model(admin) if admin else None

    @strawberry.field(
        permission_classes=reaching(Capability.READ_CUSTOMERS),
        description="The debtor an approval linked or made; null until approved.",
    )
    async def debtor(self, info: GatehouseInfo) -> Debtor | None:
        if self.model.debtor_id is None:
            return None
        row = await info.context.loaders.debtor_by_id.load(self.model.debtor_id)
        return Debtor.from_model(row) if row else None

    @strawberry.field(
        permission_classes=reaching(Capability.READ_SHOP_USERS),
        description="The shop user an approval made; null until approved. Staff whose role does "
        "not read shop users (REVIEWER): FORBIDDEN.",
    )
    async def shop_user(self, info: GatehouseInfo) -> ShopUser | None:
        if self.model.shop_user_id is None:
            return None
        row = await info.context.loaders.shop_user_by_id.load(self.model.shop_user_id)
        return ShopUser.from_model(row) if row else None

    @strawberry.field(
        permission_classes=reaching(Capability.READ_CUSTOMERS),
        description="Existing debtors this request matches: a contact or debtor with the same "
        "email, the same VAT number (answer `vat_number`), or the company's name. Approval "
        "links to the first."
    )
    async def matching_debtors(self, info: GatehouseInfo) -> list[Debtor]:
        rows = await info.context.loaders.matching_debtors_by_request.load(self.model)
        return [Debtor.from_model(row) for row in rows]
