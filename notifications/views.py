"""The citizen's unsubscribe link: ``/thong-bao/huy/<token>/``. The signed token names the party; GET
asks for confirmation (mail scanners follow links), POST stops the messages. POST is CSRF-exempt so
mail clients' one-click unsubscribe (RFC 8058) works; the token is the authorisation."""

from __future__ import annotations

from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cases.models import Party

from .rendering import party_id_from_token
from .services import party_notifications_opt_out


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        party_id = party_id_from_token(token)
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Http404("invalid link") from exc
    party = Party.objects.select_related("case").filter(pk=party_id).first()
    if party is None:
        raise Http404("invalid link")
    done = party.notifications_opt_out
    if request.method == "POST":
        party_notifications_opt_out(party=party)
        done = True
    # Only the case reference is shown: the link may be opened by someone other than the party.
    return render(
        request,
        "notifications/unsubscribe.html",
        {"reference": party.case.reference, "done": done},
        status=200,
    )
