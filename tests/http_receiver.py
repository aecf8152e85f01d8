"""A real HTTP server on loopback that plays a webhook receiver for the tests: it keeps
every request (headers, body) and answers with the status codes it is told, in turn
(the last one from then on)."""
import http.server
import threading
from contextlib import contextmanager


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        server = self.server
        with server.lock:
            server.received.append((self.path, dict(self.headers), body))
            status = server.statuses[min(len(server.received), len(server.statuses)) - 1]
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok" if status < 300 else b"no")

    def log_message(self, *args):  # quiet
        pass


@contextmanager
def http_receiver(*statuses: int):
    """(url, received): each received item is (path, headers, body)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.received, server.statuses, server.lock = [], list(statuses or (200,)), threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address
        yield f"http://{host}:{port}/attention", server.received
    finally:
        server.shutdown()
        server.server_close()
