"""The text rule of ``cases.rules`` as Django form validation, for every form a person types into
(public wizard, tracking page, API through the same forms, workspace actions, intake, reveal,
role grants): a field carrying a control character is refused with the same message the services
give."""

from __future__ import annotations

from django import forms

from . import rules


def refuse_control_characters(value) -> None:
    if isinstance(value, str):
        problem = rules.control_character_problem(value)
        if problem:
            raise forms.ValidationError(str(problem), code="control_character")


class RefusesControlCharacters:
    """Form mixin: every text field refuses control characters (``rules.control_character_problem``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and refuse_control_characters not in field.validators:
                field.validators.append(refuse_control_characters)
