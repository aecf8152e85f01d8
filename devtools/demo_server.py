"""The HTTP server `make demo` serves with: Django's development server with a fixed
pool of request threads.

Django's runserver starts a thread per request, and Saleor 2.10 keeps each thread's
database connection open for 600 s (CONN_MAX_AGE): a burst of concurrent requests
opened one PostgreSQL connection each until PostgreSQL (100 by default) refused more.
Here at most `threads` requests run at once and the rest wait in a queue; each worker
thread lives as long as the server and reuses its one connection, so the demo never
holds more than `threads` connections.
"""
import queue
import socket
import threading

from django.core.servers.basehttp import (
    WSGIRequestHandler,
    WSGIServer,
    get_internal_wsgi_application,
)
from django.db import connections

DEFAULT_THREADS = 8


class DemoRequestHandler(WSGIRequestHandler):
    # A connection that sends nothing (a browser's speculative connection) gives its
    # thread back after this many seconds.
    timeout = 20


class PooledWSGIServer(WSGIServer):
    """Accepts connections at once and queues them for a fixed set of worker threads.

    Not a ThreadingMixIn, so Django's handler answers `Connection: close` and a client
    cannot keep a worker for itself between requests.
    """

    # Connections beyond the workers wait in the queue, not in the kernel's listen
    # backlog; this only has to cover bursts between two accept() calls.
    request_queue_size = 128

    def __init__(self, *args, threads=DEFAULT_THREADS, **kwargs):
        super().__init__(*args, **kwargs)
        self._queue = queue.Queue()
        self._workers = [
            threading.Thread(target=self._work, name=f"demo-request-{n}", daemon=True)
            for n in range(threads)
        ]
        for worker in self._workers:
            worker.start()

    def process_request(self, request, client_address):
        self._queue.put((request, client_address))

    def _work(self):
        try:
            for request, client_address in iter(self._queue.get, None):
                try:
                    self.finish_request(request, client_address)
                except socket.timeout:
                    pass
                except Exception:
                    self.handle_error(request, client_address)
                finally:
                    self.shutdown_request(request)
        finally:
            # Django keeps a connection per thread and nothing closes it when the
            # thread ends.
            connections.close_all()

    def server_close(self):
        super().server_close()
        # Also called by TCPServer.__init__ when the port is taken: no workers yet.
        workers = getattr(self, "_workers", [])
        for _ in workers:
            self._queue.put(None)
        for worker in workers:
            worker.join(timeout=30)


def make_server(host: str, port: int, threads: int = DEFAULT_THREADS) -> PooledWSGIServer:
    """The demo's server, bound and ready for serve_forever(). Call after django.setup()."""
    app = get_internal_wsgi_application()
    # Loading Saleor's WSGI application runs a warm-up request in this thread; its
    # connection would otherwise stay open beside the pool's.
    connections.close_all()
    server = PooledWSGIServer((host, port), DemoRequestHandler, threads=threads)
    server.set_app(app)
    return server
