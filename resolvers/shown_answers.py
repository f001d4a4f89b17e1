"""An answer as a person reads it: chosen options by their labels, a country by its name."""

from __future__ import annotations

from models import RegistrationAnswer
from models.field_types import WITH_OPTIONS, RegistrationFieldType
from resolvers.answer_types import locale_of
from resolvers.localized_text import pick


def shown_answer(answer: RegistrationAnswer, language: str) -> str:
    """The answer in `language`, from the copy of the question kept with it; the stored value
    where there is nothing to translate."""
    if answer.type in WITH_OPTIONS:
        return ", ".join(
            pick(answer.option_labels.get(value, {}), language, []) or value for value in answer.values
        )
    if answer.type is RegistrationFieldType.COUNTRY and answer.value:
        return str(locale_of(language).territories.get(answer.value, answer.value))
    return answer.value
