"""An answer as a person reads it: its question's label, chosen options by their labels, a
country by its name."""

from __future__ import annotations

from models import RegistrationAnswer
from models.field_types import WITH_OPTIONS, RegistrationFieldType
from resolvers.answer_types import locale_of
from resolvers.localized_text import in_language, pick


def answer_label(answer: RegistrationAnswer, language: str) -> str:
    """The question's label in `language` (else its base language, "de" for "de-AT"), from
    the copy kept with the answer; else the label the applicant read."""
    return in_language(answer.labels, language) or answer.label


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
