"""A real SMTP server on loopback for the tests (the standard library's smtpd is gone
from Python 3.12): enough of RFC 5321 for Django's SMTP backend — EHLO/HELO, MAIL,
RCPT, DATA, RSET, NOOP, QUIT — keeping each message it receives."""
import email
import email.policy
import socketserver
import threading
from contextlib import contextmanager


class _Session(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 localhost test SMTP")
        recipients = []
        for raw in self.rfile:
            command = raw.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 localhost")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                for data in self.rfile:
                    if data in (b".\r\n", b".\n"):
                        break
                    lines.append(data[1:] if data.startswith(b"..") else data)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                self.server.received.append((recipients, message))
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:  # RSET, NOOP and anything else
                self.reply("250 OK")


@contextmanager
def smtp_server():
    """(host, port, received): each received item is (recipients, email.message)."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Session)
    server.daemon_threads = True
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[0], server.server_address[1], server.received
    finally:
        server.shutdown()
        server.server_close()
