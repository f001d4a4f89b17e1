"""Creating shops and changing their settings (staff)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import ActsInEveryShop, may
from auth.roles import Capability
from resolvers import shops
from schema.context import GatehouseInfo
from schema.errors import refusals_as
from schema.inputs import INPUT
from schema.shops import CreateShopInput, Shop, ShopPayload, UpdateShopSettingsInput


@strawberry.type
class ShopMutations:
    @strawberry.mutation(
        permission_classes=[*may(Capability.CREATE_SHOPS), ActsInEveryShop],
        description="Open a new shop (OWNER of every shop; an OWNER of some shops: FORBIDDEN); a "
        "taken handle is INVALID at [\"handle\"].",
    )
    @refusals_as(ShopPayload)
    async def create_shop(self, info: GatehouseInfo, input: Annotated[CreateShopInput, INPUT]) -> ShopPayload:
        shop = await shops.create_shop(info.context.caller, input.handle, input.to_settings())
        return ShopPayload(shop=Shop.from_model(shop))

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_SHOP_SETTINGS),
        description="Change a shop's settings (OWNER, MANAGER); the settings left out keep their "
        "values. A shop outside the caller's is NOT_FOUND at [\"shop\"], like an unknown one.",
    )
    @refusals_as(ShopPayload)
    async def update_shop_settings(
        self, info: GatehouseInfo, input: Annotated[UpdateShopSettingsInput, INPUT]
    ) -> ShopPayload:
        shop = await shops.update_shop_settings(
            info.context.caller, input.shop, input.to_settings()
        )
        return ShopPayload(shop=Shop.from_model(shop))
