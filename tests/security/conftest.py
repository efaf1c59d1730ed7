import pytest


@pytest.fixture(autouse=True)
def role_groups(db):
    from cases.roles import ensure_role_groups

    ensure_role_groups()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
