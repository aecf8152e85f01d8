"""Saleor 3 is served over ASGI (uvicorn): Django's ASGI handler sends the answer,
then closes the response in its sync thread. A new order's rules are queued at that
close (after_response.py), so the request's answer goes out first; the request's
start and end run in other threads than its view, which share one context."""
import asyncio
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core.handlers.asgi import ASGIHandler

from saleor_attention.models import Flag, OrderFacts

from ..saleor_common import auth_header, order_id
from ..test_pending_rules import HACHIJO

DRAFT_ORDER_COMPLETE = """
mutation Complete($id: ID!) {
  draftOrderComplete(id: $id) { order { id } errors { field code message } }
}"""


def served_over_asgi(body: bytes, headers: dict, on_answer):
    """POST /graphql/ through Django's ASGI handler, as uvicorn serves it; `on_answer`
    is called (in the test's thread) once the last of the answer is sent."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": "POST", "scheme": "http", "path": "/graphql/", "raw_path": b"/graphql/",
        "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000),
        "server": ("localhost", 80),
        "headers": [
            (b"host", b"localhost"), (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *[(name[len("HTTP_"):].lower().encode(), value.encode())
              for name, value in headers.items()],
        ],
    }
    answer, request = [], [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        if request:
            return request.pop()
        await asyncio.Event().wait()  # the client stays connected until the answer

    async def send(message):
        if message["type"] == "http.response.body":
            answer.append(message.get("body", b""))
            if not message.get("more_body"):
                await sync_to_async(on_answer)()

    async_to_sync(ASGIHandler())(scope, receive, send)
    return json.loads(b"".join(answer))


@pytest.mark.django_db(transaction=True)
def test_an_asgi_answer_goes_out_before_the_rules_are_queued(shop, configure):
    configure(remote_island_check="true")
    staff = shop.staff(with_permission=True)
    draft = shop.order(status="draft", postal_code=HACHIJO)
    at_answer = []

    def rules_state():
        return (
            OrderFacts.objects.get(order_id=draft.pk).rules_pending_since is not None,
            list(Flag.objects.filter(order_id=draft.pk).values_list("reason", flat=True)),
        )

    body = json.dumps({"query": DRAFT_ORDER_COMPLETE, "variables": {"id": order_id(draft)}})
    answer = served_over_asgi(
        body.encode(), auth_header(staff), lambda: at_answer.append(rules_state())
    )

    assert answer["data"]["draftOrderComplete"]["errors"] == [], answer
    assert at_answer == [(True, [])]  # sent: awaiting its rules, none queued yet
    # Closed (Celery runs eagerly in the tests: queueing the task ran the rules).
    assert rules_state() == (False, ["REMOTE_ISLAND"])
