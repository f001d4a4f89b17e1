"""Creating shops and changing their settings (staff)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from auth.permissions import IsStaff
from resolvers import shops
from schema.errors import refusals_as
from schema.shops import CreateShopInput, Shop, ShopPayload, UpdateShopSettingsInput


@strawberry.type
class ShopMutations:
    @strawberry.mutation(permission_classes=[IsStaff], description="Open a new shop.")
    @refusals_as(ShopPayload)
    async def create_shop(self, info: Info, input: CreateShopInput) -> ShopPayload:
        shop = await shops.create_shop(info.context.caller, input.handle, input.to_settings())
        return ShopPayload(shop=Shop.from_model(shop))

    @strawberry.mutation(permission_classes=[IsStaff], description="Change a shop's settings.")
    @refusals_as(ShopPayload)
    async def update_shop_settings(self, info: Info, input: UpdateShopSettingsInput) -> ShopPayload:
        shop = await shops.update_shop_settings(
            info.context.caller, input.shop, input.to_settings()
        )
        return ShopPayload(shop=Shop.from_model(shop))
