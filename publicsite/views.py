from django.http import JsonResponse


def healthz(request):
    """Liveness probe for load balancers: no database round trip, no case data."""
    return JsonResponse({"status": "ok"})
