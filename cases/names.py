"""Vietnamese personal names: family name first ("Phạm Minh Tuấn").

Staff accounts keep the given name in ``first_name`` and the family and middle names in
``last_name`` (as ``seed_demo`` and the user admin store them). Django's ``User.get_full_name``
joins them given-name first, which Wagtail shows in its menu, its account pages and its
listings ("Tuấn Phạm Minh"); ``install`` replaces it with the Vietnamese order, once, at start-up."""

from __future__ import annotations


def full_name(user) -> str:
    if user is None:
        return ""
    return " ".join(part for part in (user.last_name.strip(), user.first_name.strip()) if part)


def _get_full_name(self) -> str:
    return full_name(self)


def install() -> None:
    from django.contrib.auth import get_user_model

    get_user_model().get_full_name = _get_full_name  # type: ignore[method-assign]
