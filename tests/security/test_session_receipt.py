"""Finding 11: the access key is never in clear in the session store, not even between filing and
the receipt page (the database session row is read as an attacker with the database would)."""

import re

import pytest
from django.contrib.sessions.models import Session

from tests.publicsite.conftest import Citizen as Wizard

pytestmark = pytest.mark.django_db


def test_the_receipt_in_the_session_is_encrypted_until_shown(client, world, settings):
    from publicsite.setup import ensure_site

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    ensure_site()
    wizard = Wizard(client)
    wizard.choose("complaint")
    wizard.identify()
    wizard.describe()
    response = wizard.sign()
    assert response.status_code == 303
    # Between the filing and the receipt page: what the session table holds.
    stored = " ".join(s.session_data for s in Session.objects.all())
    decoded = " ".join(str(s.get_decoded()) for s in Session.objects.all())
    page = client.get(response["Location"]).content.decode()
    key = re.search(r'id="receipt-key">([^<]+)<', page)
    assert key, "the receipt page shows the access key"
    assert key.group(1) not in decoded and key.group(1) not in stored
    assert "Trần Thị Bình" not in decoded
