"""The Elasticsearch backend: the only module that imports the Elasticsearch client and
``elasticsearch.dsl``.

Index lifecycle: documents live in versioned indices (``<prefix>-cases-<timestamp>``) behind one
alias (``<prefix>-cases``); ``rebuild`` fills a new index and swaps the alias in one atomic
``_aliases`` call, then deletes the indices the alias used to point at.

Only core features are used (the integ-test-zip distribution has no ``asciifolding``, no Painless,
no ``_delete_by_query``): accents are folded in Python (``documents.fold``) into ``*_folded`` fields
holding the words ``documents.tokens`` finds, which the core ``whitespace`` analyzer reads back."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers
from elasticsearch.dsl import (
    A,
    Boolean,
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Long,
    MetaField,
    Q,
    Search,
    Text,
    normalizer,
)

from cases import reporting

from ..criteria import AGE_BUCKETS, BacklogCell, StalledCriteria
from ..documents import DocumentBuilder, case_document, case_row, case_rows, tokens
from ..timeutil import working_calendar
from .base import SearchBackend, SearchUnavailable

try:
    import orjson
except ImportError:  # pragma: no cover
    orjson = None

logger = logging.getLogger("search.elasticsearch")

# Rebuild: documents per bulk request (~1.3 KB each), bulk requests Elasticsearch works on while
# the next one is built, rows per fetch from the database cursor. Overridable in settings.
REBUILD_BULK_DOCS = 2000
REBUILD_IN_FLIGHT = 2
REBUILD_FETCH_ROWS = 5000
# Index settings while the new index is loaded (nobody reads it and it has no copy to keep in
# step until the alias points at it), restored before the swap.
LOAD_SETTINGS = {"refresh_interval": "-1", "number_of_replicas": 0, "translog.durability": "async"}


def _dumps(doc: dict) -> bytes:
    """A document as JSON bytes for a bulk body (orjson when installed; same content either way)."""
    if orjson is not None:
        return orjson.dumps(doc)
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# The folded copies arrive already folded, lower-cased and split into words by documents.tokens()
# (the same function the queries and the database backend use), joined by single spaces: the core
# "whitespace" analyzer recovers exactly those words. The integ-test-zip has no pattern tokenizer.
lowercase_keyword = normalizer("kntc_lowercase", filter=["lowercase"])


class CaseDoc(Document):
    """The mapping of the case document. ``dynamic: strict``: a field not declared here (an
    identity field, say) is rejected by the cluster rather than silently indexed."""

    id = Long()
    reference = Keyword(normalizer=lowercase_keyword)
    status = Keyword()
    is_open = Boolean()
    kind = Keyword()
    complaint_level = Keyword()
    complexity = Keyword()
    channel = Keyword()
    authority = Keyword()
    authority_id = Long()
    authority_path = Keyword()
    authority_ancestors = Keyword()
    assignee_id = Long()
    assignee = Keyword()
    escalation_level = Integer()
    received_at = Date()
    accepted_at = Date()
    last_activity_at = Date()
    next_due_at = Date()
    stalled_since = Date()
    decided_at = Date()
    closed_at = Date()
    reassignment_count = Integer()
    transfer_count = Integer()
    extension_count = Integer()
    suspension_count = Integer()
    duplicate_suspected = Boolean()
    subject = Text(analyzer="standard")
    description = Text(analyzer="standard")
    subject_folded = Text(analyzer="whitespace")
    description_folded = Text(analyzer="whitespace")
    fingerprint = Keyword(index=False)
    as_of = Date(format="strict_date")
    days_since_activity = Integer()
    working_days_since_activity = Integer()
    overdue_days = Integer()

    class Meta:
        dynamic = MetaField("strict")


_clients: dict[tuple[str, float], Elasticsearch] = {}
_ready: set[tuple[str, str]] = set()
_lock = threading.Lock()


def get_client(url: str | None = None, timeout: float | None = None) -> Elasticsearch:
    """One client per URL and timeout, shared by the process. ``url`` may list several nodes of a
    cluster, comma-separated (``ELASTICSEARCH_URL=http://es1:9200,http://es2:9200``): a request
    that fails on one node is tried once on another."""
    url = url or settings.ELASTICSEARCH_URL
    timeout = float(timeout or getattr(settings, "ELASTICSEARCH_TIMEOUT", 10))
    key = (url, timeout)
    with _lock:
        client = _clients.get(key)
        if client is None:
            hosts = [u.strip() for u in url.split(",") if u.strip()]
            client = Elasticsearch(hosts, request_timeout=timeout, max_retries=1, retry_on_timeout=False)
            _clients[key] = client
    return client


@contextlib.contextmanager
def _unavailable_on_error(what: str) -> Iterator[None]:
    try:
        yield
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"Elasticsearch {what}: {exc}") from exc


def _stalled_clause(c: reporting.StalledClause) -> Q:
    """One clause of the stalled definition (``cases.reporting.stalled_q``) as a query."""
    must = [Q("term", status=c.status), Q("range", last_activity_at={"lt": c.activity_before.isoformat()})]
    if c.authority_ids is not None:
        must.append(Q("terms", authority_id=list(c.authority_ids)))
        return Q("bool", filter=must)
    must_not = [Q("terms", authority_id=list(c.excluded_ids))] if c.excluded_ids else []
    # A case with no authority yet has no authority_id: "terms" never matches it, so it stays in.
    return Q("bool", filter=must, must_not=must_not)


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"
    stores_snapshots = True

    def __init__(
        self,
        *,
        url: str | None = None,
        index_prefix: str | None = None,
        refresh: bool | str = False,
        timeout: float | None = None,
    ) -> None:
        self.client = get_client(url, timeout)
        self.url = url or settings.ELASTICSEARCH_URL
        self.prefix = index_prefix or settings.ELASTICSEARCH_INDEX_PREFIX
        self.alias = f"{self.prefix}-cases"
        # refresh=True or "wait_for" makes writes visible at once (tests, management commands).
        self.refresh_writes = refresh

    # -- index management -----------------------------------------------------------------------
    def _index_definition(self, name: str) -> Index:
        index = Index(name, using=self.client)
        index.settings(
            number_of_shards=getattr(settings, "ELASTICSEARCH_SHARDS", 1),
            number_of_replicas=getattr(settings, "ELASTICSEARCH_REPLICAS", 0),
        )
        index.document(CaseDoc)
        return index

    def _new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"

    def ensure_index(self) -> None:
        """Create the first versioned index and its alias if there is none yet (idempotent)."""
        key = (self.url, self.alias)
        if key in _ready:
            return
        with _unavailable_on_error("ensure index"):
            if not self.client.indices.exists_alias(name=self.alias) and not self.client.indices.exists(
                index=self.alias
            ):
                body = self._index_definition(f"{self.alias}-initial").to_dict()
                try:
                    self.client.indices.create(
                        index=f"{self.alias}-initial", aliases={self.alias: {}}, **body
                    )
                except ApiError as exc:  # another worker created it first
                    if "resource_already_exists_exception" not in str(exc):
                        raise
            self._wait_until_writable(self.alias)
            # Fields added to the document since the index was built (a strict mapping refuses
            # them otherwise): adding a field is allowed on a live index, the rest is unchanged.
            mapping = self._index_definition(self.alias).to_dict().get("mappings", {})
            if mapping.get("properties"):
                self.client.indices.put_mapping(index=self.alias, properties=mapping["properties"])
        _ready.add(key)

    def _wait_until_writable(self, index: str) -> None:
        """Block until the primary shard is started: right after creation, reads and writes get 503."""
        health = self.client.cluster.health(index=index, wait_for_status="yellow", timeout="30s")
        if health.get("timed_out"):
            raise SearchUnavailable(f"Elasticsearch index {index} is not ready: {health['status']}")

    def indices_behind_alias(self) -> list[str]:
        with _unavailable_on_error("get alias"):
            try:
                return sorted(self.client.indices.get_alias(name=self.alias).body)
            except NotFoundError:
                return []

    def refresh(self) -> None:
        with _unavailable_on_error("refresh"):
            self.client.indices.refresh(index=self.alias)

    def drop(self) -> None:
        """Delete the alias and every index of this prefix (tests, ``search_index drop``)."""
        with _unavailable_on_error("drop"):
            self.client.indices.delete(index=f"{self.alias}*", ignore_unavailable=True, allow_no_indices=True)
        _ready.discard((self.url, self.alias))

    def health(self) -> dict:
        with _unavailable_on_error("health"):
            health = self.client.cluster.health()
            indices = self.indices_behind_alias()
            count = self.client.count(index=self.alias)["count"] if indices else 0
        return {
            "backend": self.name,
            "ok": health["status"] in ("green", "yellow"),
            "cluster_status": health["status"],
            "alias": self.alias,
            "indices": indices,
            "documents": count,
        }

    # -- writes ---------------------------------------------------------------------------------
    def index_case(self, case) -> None:
        self.ensure_index()
        doc = case_document(case)
        with _unavailable_on_error("index"):
            self.client.index(index=self.alias, id=str(case.pk), document=doc, refresh=self.refresh_writes)

    def remove_case(self, case_id: int) -> None:
        self.ensure_index()
        with _unavailable_on_error("delete"), contextlib.suppress(NotFoundError):
            self.client.delete(index=self.alias, id=str(case_id), refresh=self.refresh_writes)

    def remove_many(self, case_ids: Iterable[int]) -> int:
        actions = [{"_op_type": "delete", "_index": self.alias, "_id": str(i)} for i in case_ids]
        if not actions:
            return 0
        self.ensure_index()
        with _unavailable_on_error("bulk delete"):
            _ok, errors = helpers.bulk(
                self.client, actions, raise_on_error=False, refresh=self.refresh_writes
            )
        real = [e for e in errors if e.get("delete", {}).get("status") != 404]
        if real:
            raise SearchUnavailable(f"Elasticsearch bulk delete failed for {len(real)} documents: {real[:3]}")
        return len(actions)

    def _actions(self, cases: Iterable, index: str, now: datetime | None) -> Iterator[dict]:
        builder = DocumentBuilder(now=now, calendar=working_calendar())
        for case in cases:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": str(case.pk),
                "_source": builder.document(case_row(case)),
            }

    def _bulk(self, cases: Iterable, index: str, now: datetime | None, refresh) -> int:
        with _unavailable_on_error("bulk index"):
            ok, errors = helpers.bulk(
                self.client,
                self._actions(cases, index, now),
                chunk_size=500,
                raise_on_error=False,
                refresh=refresh,
            )
        if errors:
            raise SearchUnavailable(
                f"Elasticsearch bulk index failed for {len(errors)} documents: {errors[:3]}"
            )
        return ok

    def bulk_index(self, cases: Iterable, *, now: datetime | None = None) -> int:
        self.ensure_index()
        return self._bulk(cases, self.alias, now, self.refresh_writes)

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Fill a new versioned index from the database, then swap the alias atomically.

        The documents are built from plain rows (``documents.case_rows``: one streamed query) and
        sent as ready-made bulk bodies, ``REBUILD_IN_FLIGHT`` at a time from a small thread pool,
        so Elasticsearch indexes one chunk while this process builds the next. The new index is
        loaded without refreshes, replicas or per-request translog fsyncs (``LOAD_SETTINGS``);
        the usual settings come back, and the index is flushed, before the alias moves to it."""
        self.ensure_index()
        new = self._new_index_name()
        definition = self._index_definition(new)
        definition.settings(**LOAD_SETTINGS)
        with _unavailable_on_error("create index"):
            definition.create()
            self._wait_until_writable(new)
        try:
            count = self._load(new, progress)
            with _unavailable_on_error("swap alias"):
                self.client.indices.put_settings(
                    index=new,
                    settings={
                        "index": {
                            "refresh_interval": None,
                            "translog.durability": None,
                            "number_of_replicas": getattr(settings, "ELASTICSEARCH_REPLICAS", 0),
                        }
                    },
                )
                self.client.indices.refresh(index=new)
                self.client.indices.flush(index=new)
                old = self.indices_behind_alias()
                actions: list[dict] = [{"add": {"index": new, "alias": self.alias}}]
                actions += [{"remove": {"index": name, "alias": self.alias}} for name in old]
                if not old and self.client.indices.exists(index=self.alias):
                    # An index auto-created under the alias name (a write before any alias existed).
                    actions.append({"remove_index": {"index": self.alias}})
                self.client.indices.update_aliases(actions=actions)
                for name in old:
                    self.client.indices.delete(index=name, ignore_unavailable=True)
        except BaseException:
            with contextlib.suppress(TransportError, ApiError):
                self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        logger.info("search index rebuilt: %s documents in %s (was %s)", count, new, old)
        return count

    def _load(self, index: str, progress: Callable[[int], None] | None = None) -> int:
        """Bulk-load every case into ``index``; returns how many documents were written."""
        in_flight = max(1, int(getattr(settings, "SEARCH_REBUILD_IN_FLIGHT", REBUILD_IN_FLIGHT)))
        per_request = int(getattr(settings, "SEARCH_REBUILD_BULK_DOCS", REBUILD_BULK_DOCS))
        fetch = int(getattr(settings, "SEARCH_REBUILD_FETCH_ROWS", REBUILD_FETCH_ROWS))
        builder = DocumentBuilder(calendar=working_calendar())
        bodies = self._bulk_bodies(case_rows(chunk_size=fetch), builder, per_request)
        written = 0
        pending: deque[Future] = deque()
        with ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="search-rebuild") as pool:
            try:
                for body, n in bodies:
                    while len(pending) >= in_flight:
                        written += self._done(pending.popleft(), progress)
                    pending.append(pool.submit(self._send_bulk, index, body, n))
                while pending:
                    written += self._done(pending.popleft(), progress)
            finally:
                for future in pending:
                    future.cancel()
        return written

    @staticmethod
    def _done(future: Future, progress: Callable[[int], None] | None) -> int:
        n = future.result()
        if progress:
            progress(n)
        return n

    @staticmethod
    def _bulk_bodies(rows: Iterable[tuple], builder: DocumentBuilder, per_request: int) -> Iterator[tuple]:
        """NDJSON bulk bodies of ``per_request`` documents: (body, number of documents)."""
        parts: list[bytes] = []
        n = 0
        for row in rows:
            parts.append(b'{"index":{"_id":"%d"}}\n' % row[0])
            parts.append(_dumps(builder.document(row)))
            parts.append(b"\n")
            n += 1
            if n >= per_request:
                yield b"".join(parts), n
                parts, n = [], 0
        if n:
            yield b"".join(parts), n

    def _send_bulk(self, index: str, body: bytes, n: int) -> int:
        timeout = max(60.0, float(getattr(settings, "ELASTICSEARCH_TIMEOUT", 10)))
        with _unavailable_on_error("bulk index"):
            response = self.client.options(request_timeout=timeout).bulk(
                operations=body, index=index, filter_path="errors,items.*.error,items.*._id"
            )
        if response.get("errors"):
            errors = [item for item in response.get("items", []) if any("error" in v for v in item.values())]
            raise SearchUnavailable(
                f"Elasticsearch bulk index failed for {len(errors)} documents: {errors[:3]}"
            )
        return n

    def indexed_fingerprints(self) -> dict[int, str]:
        self.ensure_index()
        result: dict[int, str] = {}
        with _unavailable_on_error("scan"):
            for hit in helpers.scan(
                self.client, index=self.alias, query={"query": {"match_all": {}}}, _source=["fingerprint"]
            ):
                result[int(hit["_id"])] = hit["_source"].get("fingerprint", "")
        return result

    # -- reads ----------------------------------------------------------------------------------
    def _search(self) -> Search:
        self.ensure_index()
        return Search(using=self.client, index=self.alias)

    def stalled_search(self, criteria: StalledCriteria, *, now=None, calendar=None) -> Search:
        r = criteria.resolve(now, calendar)
        s = self._search()
        if r.statuses:
            s = s.filter("terms", status=list(r.statuses))
        if r.stalled_clauses is not None:
            s = s.filter(
                Q("bool", should=[_stalled_clause(c) for c in r.stalled_clauses], minimum_should_match=1)
            )
        if r.activity_before is not None:
            s = s.filter("range", last_activity_at={"lt": r.activity_before.isoformat()})
        if r.due_before is not None:
            s = s.filter("range", next_due_at={"lt": r.due_before.isoformat()})
        if r.received_before is not None:
            s = s.filter("range", received_at={"lt": r.received_before.isoformat()})
        if r.received_from is not None:
            s = s.filter("range", received_at={"gte": r.received_from.isoformat()})
        if r.duplicate:
            s = s.filter("term", duplicate_suspected=True)
        for field_name, minimum in r.min_counts.items():
            if minimum is not None:
                s = s.filter("range", **{field_name: {"gte": minimum}})
        if r.authority and r.authority_only:
            s = s.filter("term", authority=r.authority)
        elif r.authority:
            s = s.filter("term", authority_ancestors=r.authority)
        if r.within is not None:
            s = s.filter("terms", authority_ancestors=list(r.within))
        if r.kind:
            s = s.filter("term", kind=r.kind)
        if r.assignee_id is not None:
            s = s.filter("term", assignee_id=r.assignee_id)
        return s

    def find_stalled(self, criteria, *, now=None, limit=None, offset=0, calendar=None) -> list[int]:
        s = (
            self.stalled_search(criteria, now=now, calendar=calendar)
            .sort({"last_activity_at": "asc"}, {"id": "asc"})
            .source(False)
        )
        if limit is not None and offset + limit <= 10_000:
            with _unavailable_on_error("search"):
                return [int(hit.meta.id) for hit in s[offset : offset + limit].execute()]
        ids: list[int] = []
        after = None
        skip = offset
        while True:
            page = s.extra(size=2000, track_total_hits=False)
            if after is not None:
                page = page.extra(search_after=after)
            with _unavailable_on_error("search"):
                hits = list(page.execute())
            if not hits:
                break
            for hit in hits:
                if skip:
                    skip -= 1
                    continue
                ids.append(int(hit.meta.id))
                if limit is not None and len(ids) >= limit:
                    return ids
            after = list(hits[-1].meta.sort)
        return ids

    def count_stalled(self, criteria, *, now=None, calendar=None) -> int:
        with _unavailable_on_error("count"):
            return self.stalled_search(criteria, now=now, calendar=calendar).count()

    def aggregate_backlog(self, *, now=None, within=None, kind=None) -> list[BacklogCell]:
        now = now or timezone.now()
        today = reporting.local_date(now)
        ranges = []
        for key, _label, lo, hi in AGE_BUCKETS:
            rng: dict = {"key": key}
            if hi is not None:
                rng["from"] = reporting.received_before_age(today, hi).isoformat()
            if lo:
                rng["to"] = reporting.received_before_age(today, lo).isoformat()
            ranges.append(rng)
        base = self.stalled_search(StalledCriteria(within=within, kind=kind), now=now).extra(size=0)
        cells: list[BacklogCell] = []
        after = None
        while True:
            composite = A(
                "composite",
                size=2000,
                sources=[
                    {"authority": {"terms": {"field": "authority"}}},
                    {"status": {"terms": {"field": "status"}}},
                ],
                **({"after": after} if after else {}),
            )
            composite.bucket("age", "date_range", field="received_at", ranges=ranges).bucket(
                "overdue", "filter", filter=Q("range", next_due_at={"lt": now.isoformat()})
            )
            s = base._clone()
            s.aggs.bucket("groups", composite)
            with _unavailable_on_error("aggregate"):
                response = s.execute()
            groups = response.aggregations.groups
            for group in groups.buckets:
                for age in group.age.buckets:
                    if age.doc_count:
                        cells.append(
                            BacklogCell(
                                authority=group.key.authority,
                                status=group.key.status,
                                bucket=age.key,
                                count=age.doc_count,
                                overdue=age.overdue.doc_count,
                            )
                        )
            after_key = getattr(groups, "after_key", None)
            if not groups.buckets or after_key is None:
                break
            after = after_key.to_dict()
        return cells

    def search(self, text: str, *, limit: int = 500) -> list[int]:
        text = (text or "").strip()
        words = tokens(text)
        if not text:
            return []
        should = [Q("term", reference={"value": text, "boost": 20})]
        if words:
            must = [
                Q("multi_match", query=word, fields=["subject_folded^2", "description_folded"])
                for word in words
            ]
            # Exact accents rank higher, but never decide whether a case matches.
            accents = [Q("match", subject={"query": text, "boost": 2}), Q("match", description=text)]
            should.append(Q("bool", must=must, should=accents))
        s = (
            self._search()
            .query(Q("bool", should=should, minimum_should_match=1))
            .sort("_score", {"last_activity_at": "desc"}, {"id": "desc"})
            .source(False)
        )
        with _unavailable_on_error("search"):
            return [int(hit.meta.id) for hit in s[: min(limit, 10_000)].execute()]
