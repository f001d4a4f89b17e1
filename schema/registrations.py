"""Self-registration: the public form, and the requests staff review."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated

import strawberry

from auth.permissions import reaches, require_reach
from auth.roles import Capability
from models import ApprovalMode, RegistrationStatus
from models import RegistrationAnswer as RegistrationAnswerModel
from models import RegistrationRequest as RegistrationRequestModel
from models import Shop as ShopModel
from models.field_types import RegistrationFieldType
from resolvers.answer_types import country_names
from resolvers.ready_loads import Soon, now_or_later, settled
from resolvers.registration_fields import RegistrationForm as RegistrationFormValue
from resolvers.registrations.page_reads import RequestPageNeeds
from resolvers.shown_answers import answer_label, shown_answer
from schema.accounts import AdminUser
from schema.context import GatehouseInfo
from schema.customers import Debtor, ShopUser
from schema.enums import describe_enum
from schema.lookahead import selected_on_nodes
from schema.nodes import Node, existing, global_id
from schema.shops import IN_SHOP_ORDER, LocalizedText, RegistrationField, Shop, localized

describe_enum(
    RegistrationStatus,
    name="RegistrationStatus",
    description="Where a registration request stands.",
    values={
        RegistrationStatus.UNVERIFIED: "Waiting for the applicant to follow the link mailed to them "
        "(the shop's requireEmailVerification); staff are not told of it yet. Gone after 7 days.",
        RegistrationStatus.PENDING: "Waiting for staff to approve or reject it.",
        RegistrationStatus.APPROVED: "Approved: debtor, contact person and shop user exist, and the "
        "customer was invited (or, in AUTOMATIC mode, could sign in at once).",
        RegistrationStatus.REJECTED: "Rejected; kept, with the reason, and staff may still approve it.",
    },
)


@strawberry.type(description="A country a COUNTRY question offers.")
class Country:
    code: str = strawberry.field(description="Its ISO 3166-1 alpha-2 code, what an answer gives ('NL').")
    name: str = strawberry.field(description="Its name in the form's language ('Nederland').")


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
        description="The extra questions, in order, after name and email, in the form's language."
    )
    languages: list[str] = strawberry.field(
        description="Offered languages (codes such as 'nl'); the first is the default."
    )
    language: str = strawberry.field(
        description="The language of this form's texts: the one asked for if the shop offers it, "
        "else the shop's first."
    )
    form_token: str = strawberry.field(
        description="Send it back as SubmitRegistrationInput.formToken: when the shop's botProtection "
        "is on, a submission needs the token of a form read for this shop 2 seconds to 24 hours "
        "before. Signed, it holds only the shop and the time; a cached copy of the form carries "
        "the time it was made. Empty when the server has no GATEHOUSE_SECRET_KEY (then nothing "
        "is checked)."
    )
    require_email_verification: bool = strawberry.field(
        description="Whether the applicant must confirm their email (a mailed link) before the "
        "request counts."
    )
    model: strawberry.Private[RegistrationFormValue]

    @classmethod
    def from_value(cls, form: RegistrationFormValue, form_token: str) -> RegistrationForm:
        languages = list(form.shop.languages)
        return cls(
            shop=form.shop.handle,
            open=form.open,
            approval_mode=form.approval_mode,
            fields=[RegistrationField.from_model(field, languages, form.language) for field in form.fields],
            languages=languages,
            language=form.language,
            form_token=form_token,
            require_email_verification=form.shop.require_email_verification,
            model=form,
        )

    @strawberry.field(
        description="Every country, by name in the form's language, for COUNTRY questions (the "
        "shop's defaultCountry first, when it has one)."
    )
    def countries(self) -> list[Country]:
        default = self.model.shop.default_country
        names = country_names(self.language)
        ordered = sorted(names, key=lambda item: item[0] != default) if default else names
        return [Country(code=code, name=name) for code, name in ordered]


@strawberry.type(
    description="An answer to an extra question, with a copy of the question as it was asked: "
    "editing or deleting the field later changes no answer given."
)
class RegistrationAnswer:
    # What the labels and shown value are read from: those are worked out only when asked for
    # (a review page asks for 300 answers' key, label and value, never their every language).
    # `label` is a dictionary lookup, cheaper than the resolver that would defer it.
    model: strawberry.Private[RegistrationAnswerModel]
    language: strawberry.Private[str]
    shop_languages: strawberry.Private[list[str]]
    key: str = strawberry.field(description="The key of the question (RegistrationField.key).")
    type: RegistrationFieldType = strawberry.field(description="The question's type when answered.")
    value: str = strawberry.field(
        description="The answer, normalised for its type (E.164, a compact VAT number, an ISO "
        "code, option values joined by ', ')."
    )
    values: list[str] = strawberry.field(
        description="The chosen option values of a MULTI_CHOICE; for other types the one value "
        "(empty when an optional question was left out)."
    )
    label: str = strawberry.field(
        description="The question's label in the language asked (answers(language:)), else the "
        "one the applicant read."
    )

    @classmethod
    def from_model(
        cls, answer: RegistrationAnswerModel, language: str, shop_languages: list[str]
    ) -> RegistrationAnswer:
        """`answer` read in `language`, its labels in the order of `shop_languages`."""
        return cls(
            model=answer,
            language=language,
            shop_languages=shop_languages,
            key=answer.key,
            label=answer_label(answer, language),
            type=answer.type,
            value=answer.value,
            values=answer.values,
        )

    @strawberry.field(
        description=f"The question's label in every language it had when answered: {IN_SHOP_ORDER}."
    )
    def labels(self) -> list[LocalizedText]:
        return localized(self.model.labels, self.shop_languages)

    @strawberry.field(
        description="The answer as a person reads it in the language asked: chosen options' "
        "labels, a country's name; for other types the value."
    )
    def display_value(self) -> str:
        return shown_answer(self.model, self.language)


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
        description="The shop registered with.",
        graphql_type=Shop,
    )
    def shop(self, info: GatehouseInfo) -> Soon[Shop]:
        require_reach(info, Capability.READ_SHOPS)
        return now_or_later(
            info.context.loaders.shop_by_id, self.model.shop_id, lambda row: Shop.from_model(existing(row))
        )

    @strawberry.field(
        description="The answers to the shop's extra questions, in the form's order.",
        graphql_type=list[RegistrationAnswer],
    )
    def answers(
        self,
        info: GatehouseInfo,
        language: Annotated[
            str | None,
            strawberry.argument(
                description="The language to read labels and chosen options in ('de'); null: as "
                "the applicant read them."
            ),
        ] = None,
    ) -> Soon[list[RegistrationAnswer]]:
        loaders = info.context.loaders
        rows = settled(loaders.answers_by_request, self.model.id)
        shop = settled(loaders.shop_by_id, self.model.shop_id)
        if rows is not None and shop is not None:
            return self._answers(rows.result(), shop.result(), language)
        return self._answers_later(info, language)

    async def _answers_later(self, info: GatehouseInfo, language: str | None) -> list[RegistrationAnswer]:
        loaders = info.context.loaders
        # The shop only orders the labels: batched with the requests' `shop` when that is asked
        # too, and mostly read from the process's shop cache.
        rows, shop = await asyncio.gather(
            loaders.answers_by_request.load(self.model.id), loaders.shop_by_id.load(self.model.shop_id)
        )
        return self._answers(rows, shop, language)

    def _answers(
        self, rows: list[RegistrationAnswerModel], shop: ShopModel | None, language: str | None
    ) -> list[RegistrationAnswer]:
        languages, read_in = list(shop.languages) if shop else [], language or self.model.language
        return [RegistrationAnswer.from_model(row, read_in, languages) for row in rows]

    @strawberry.field(
        description="The admin who last approved or rejected it; null while PENDING and for "
        "AUTOMATIC approvals.",
        graphql_type=AdminUser | None,
    )
    def decided_by(self, info: GatehouseInfo) -> Soon[AdminUser | None]:
        if self.model.decided_by_id is None:
            return None
        return now_or_later(
            info.context.loaders.admin_user_by_id, self.model.decided_by_id,
            lambda admin: AdminUser.from_model(admin) if admin else None,
        )

    @strawberry.field(
        description="The debtor an approval linked or made; null until approved.",
        graphql_type=Debtor | None,
    )
    def debtor(self, info: GatehouseInfo) -> Soon[Debtor | None]:
        require_reach(info, Capability.READ_CUSTOMERS)
        if self.model.debtor_id is None:
            return None
        return now_or_later(
            info.context.loaders.debtor_by_id, self.model.debtor_id,
            lambda row: Debtor.from_model(row) if row else None,
        )

    @strawberry.field(
        description="The shop user an approval made; null until approved. Staff whose role does "
        "not read shop users (REVIEWER): FORBIDDEN.",
        graphql_type=ShopUser | None,
    )
    def shop_user(self, info: GatehouseInfo) -> Soon[ShopUser | None]:
        require_reach(info, Capability.READ_SHOP_USERS)
        if self.model.shop_user_id is None:
            return None
        return now_or_later(
            info.context.loaders.shop_user_by_id, self.model.shop_user_id,
            lambda row: ShopUser.from_model(row) if row else None,
        )

    @strawberry.field(
        description="Existing debtors this request matches: a contact or debtor with the same "
        "email, the same VAT number (answer `vat_number`), or the company's name. Approval "
        "links to the first.",
        graphql_type=list[Debtor],
    )
    def matching_debtors(self, info: GatehouseInfo) -> Soon[list[Debtor]]:
        require_reach(info, Capability.READ_CUSTOMERS)
        return now_or_later(
            info.context.loaders.matching_debtors_by_request, self.model,
            lambda rows: [Debtor.from_model(row) for row in rows],
        )


def request_page_needs(info: GatehouseInfo) -> RequestPageNeeds:
    """What the `registrationRequests` page being resolved selects of its requests, and the
    caller's role lets through (a field it refuses is not read for it)."""
    selected, viewer = selected_on_nodes(info), info.context.viewer
    customers = reaches(viewer, Capability.READ_CUSTOMERS)
    shop_users = reaches(viewer, Capability.READ_SHOP_USERS)
    return RequestPageNeeds(
        answers="answers" in selected,
        shop="shop" in selected and reaches(viewer, Capability.READ_SHOPS),
        decided_by="decidedBy" in selected,
        debtor="debtor" in selected and customers,
        shop_user="shopUser" in selected and shop_users,
        shop_user_contact="shopUser.contact" in selected and shop_users and customers,
        matching_debtors="matchingDebtors" in selected and customers,
    )
