"""The bare-insert view: the floor the public intake is compared with.

It parses the same JSON body the public API receives, inserts one row with one raw ``INSERT`` into
``bench_bare_intake`` (a table ``bench/run.py`` creates) and answers 201 with a reference and a
key, through the same middleware, WSGI server and connection settings as the API. Everything the
real intake does beyond that (validation with the forms, the case, party, history, event and
deadline rows, encryption, the outbox, the queued tasks) is the cost the ratio measures."""

from __future__ import annotations

import json
import secrets

from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

TABLE_SQL = """
CREATE TABLE IF NOT EXISTS bench_bare_intake (
    id bigserial PRIMARY KEY,
    reference varchar(32) NOT NULL,
    kind varchar(32) NOT NULL,
    subject varchar(255) NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)"""


@csrf_exempt
@require_POST
def bare_intake(request):
    try:
        data = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("bad json")
    if not isinstance(data, dict):
        return HttpResponseBadRequest("bad json")
    key = secrets.token_hex(8)
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO bench_bare_intake (reference, kind, subject, payload) "
            "VALUES ('BARE-' || nextval('bench_bare_intake_id_seq'), %s, %s, %s) RETURNING reference",
            [str(data.get("kind", ""))[:32], str(data.get("subject", ""))[:255], json.dumps(data)],
        )
        reference = cur.fetchone()[0]
    return JsonResponse({"reference": reference, "access_key": key}, status=201)
