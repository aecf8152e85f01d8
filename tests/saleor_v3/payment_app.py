"""A payment app for the tests of Saleor 3's Transaction API: a real HTTP server on
127.0.0.1 (in a thread of the test process) that Saleor sends its
TRANSACTION_INITIALIZE_SESSION requests to, registered in Saleor as an App with
HANDLE_PAYMENTS and that webhook. It answers with the result its stored token names
("CHARGE_SUCCESS", "CHARGE_FAILURE" or "CHARGE_REQUEST") and a PSP reference of its
own, and keeps every request it was sent."""
import itertools
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from saleor.app.models import App
from saleor.permission.enums import PaymentPermissions
from saleor.permission.models import Permission
from saleor.webhook.event_types import WebhookEventSyncType
from saleor.webhook.models import Webhook

IDENTIFIER = "attention.tests.payments"
# What the app says when it declines (a flag's evidence).
DECLINED_MESSAGE = "Insufficient funds (test payment app)"


class PaymentApp:
    def __init__(self, token: str):
        self.token = token  # the app's own token for Saleor's API
        self.requests = []  # the JSON bodies Saleor sent, oldest first
        self.answers = []  # and what the app answered each
        self._references = (f"psp-{n}" for n in itertools.count(1))

    def method(self, result: str) -> str:
        """A contract's payment method whose charge the app answers with `result`."""
        return f"transaction:{IDENTIFIER}:{result}"

    def answer(self, request: dict) -> dict:
        self.requests.append(request)
        result = request["data"]["token"]
        answer = {"result": result, "pspReference": next(self._references)}
        if result.endswith("FAILURE"):
            answer["message"] = DECLINED_MESSAGE
        self.answers.append(answer)
        return answer


def _handler(app: PaymentApp):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            body = json.dumps(app.answer(request)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass  # the test's output stays the test's

    return Handler


@contextmanager
def payment_app():
    """The app, serving on a free port and registered in Saleor, for one test."""
    saleor_app = App.objects.create(name="Test payments", identifier=IDENTIFIER, is_active=True)
    saleor_app.permissions.add(
        Permission.objects.get(codename=PaymentPermissions.HANDLE_PAYMENTS.codename)
    )
    _token, raw_token = saleor_app.tokens.create(name="test")
    app = PaymentApp(raw_token)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(app))
    webhook = Webhook.objects.create(
        app=saleor_app, name="Charges", target_url=f"http://127.0.0.1:{server.server_port}/",
        is_active=True,
    )
    webhook.events.create(event_type=WebhookEventSyncType.TRANSACTION_INITIALIZE_SESSION)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
