"""ELASTICSEARCH_URL may name several nodes of a cluster, comma-separated (docs/deployment.md)."""

from search.backends.elasticsearch import get_client


def test_a_comma_separated_url_makes_one_client_over_every_node(settings):
    url = settings.ELASTICSEARCH_URL  # the same node under two names stands for two nodes
    client = get_client(f"{url}, {url.replace('127.0.0.1', 'localhost')}", timeout=5)
    assert len(client.transport.node_pool.all()) == 2
    assert client.cluster.health()["status"] in ("green", "yellow")
