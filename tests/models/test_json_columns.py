"""JSON columns are read and written by orjson (a dependency for that), and keep what they hold."""

from __future__ import annotations

import orjson
from tortoise.fields import data

from models import RegistrationAnswer, RegistrationRequest
from tests.factories import make_shop


def test_tortoise_reads_and_writes_json_columns_with_orjson():
    assert data.JSON_LOADS is orjson.loads
    assert data.JSON_DUMPS("ß") == orjson.dumps("ß").decode()


async def test_an_answers_json_comes_back_as_it_was_written(db):
    shop = await make_shop("flora")
    request = await RegistrationRequest.create(shop=shop, name="Eva", email="eva@example.com", language="de")
    labels = {"de": "Größe des Betriebs", "nl": "Bedrijfsgrootte", "el": "Μέγεθος"}
    options = {"klein": {"de": "klein (1 bis 5)", "nl": "klein"}}
    await RegistrationAnswer.create(
        request=request, key="size", label="Größe", labels=labels, option_labels=options,
        value="klein", values=["klein", "€ 5"],
    )

    answer = await RegistrationAnswer.get(request=request)

    assert (answer.labels, answer.option_labels, answer.values) == (labels, options, ["klein", "€ 5"])
