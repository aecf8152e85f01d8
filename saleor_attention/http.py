"""The inbound endpoint as a Django view; each Saleor line routes a URL to it."""
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import inbound


@csrf_exempt
@require_POST
def inbound_view(request):
    # One byte past the cap tells an oversized body apart without reading all of it.
    body = request.read(inbound.MAX_BODY_BYTES + 1)
    answer = inbound.receive(body, request.META.get(inbound.SIGNATURE_HEADER))
    response = JsonResponse(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response
