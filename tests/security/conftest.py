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


@pytest.fixture(autouse=True)
def clean_cache():
    """Rate-limit counters live in this run's own Redis db (CACHE_URL): each test starts at zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT
