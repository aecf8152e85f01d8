"""A request served as a WSGI server serves it (gunicorn, uWSGI): Django's handler
answers, the server sends the answer, then closes the response, which sends Django's
request_finished. Timed twice: until the answer is read (what the client waits for)
and until the response is closed (how long the server's worker is busy with it: the
plugin queues a new order's rules there, after_response.py). Django's test client
closes the response before it returns, so it times only the second."""
import json
import time
from dataclasses import dataclass

from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from benchmarks.stats import collector_paused


@dataclass(frozen=True)
class Served:
    status_code: int
    body: bytes
    answered: float  # seconds until the answer was read
    closed: float  # seconds until the response was closed

    def json(self):
        return json.loads(self.body)


class Server:
    def __init__(self):
        self.handler = WSGIHandler()
        self.requests = RequestFactory()

    def post_json(self, path: str, payload: dict) -> Served:
        environ = self.requests.post(
            path, json.dumps(payload), content_type="application/json"
        ).environ
        with collector_paused():
            started = time.perf_counter()
            response = self.handler(environ, lambda status, headers: None)
            body = b"".join(response)
            answered = time.perf_counter()
            response.close()
            closed = time.perf_counter()
        return Served(response.status_code, body, answered - started, closed - started)
