"""E-mail in tests: backends beside Django's locmem (which keeps mails in mail.outbox), and the
mail a served site sent: under the test settings it writes each message to a file in the folder
EMAIL_FILE_PATH names (tests/support/processes.py site_env), as Django's file backend does, one
message after another with a line of dashes between them. And a mail server on loopback
(SMTPServer) that accepts, refuses or never answers."""

import email
import email.message
import email.policy
import socketserver
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.core.mail.backends.locmem import EmailBackend

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


class SlowEmailBackend(EmailBackend):
    """Django's locmem backend behind a mail server that takes half a second per message: time
    for a second process to do the same work at the same moment."""

    def send_messages(self, messages):
        time.sleep(0.5)
        return super().send_messages(messages)


@dataclass
class Mail:
    to: list[str]
    subject: str
    body: str


def sent_mail(folder: str | Path) -> list[Mail]:
    """Every message in the folder, oldest file first."""
    found = []
    for path in sorted(Path(folder).glob("*.log")):
        for raw in path.read_bytes().split(SEPARATOR):
            if raw.strip():
                message = email.message_from_bytes(raw, policy=email.policy.default)
                found.append(
                    Mail(
                        to=[address.strip() for address in message["To"].split(",")],
                        subject=str(message["Subject"]),
                        body=message.get_content(),
                    )
                )
    return found


def mail_to(served_site, address: str, subject_start: str, wait: float = 10) -> list[Mail]:
    """The messages to `address` whose subject starts so, in the served site's mail folder,
    waited for up to `wait` seconds (the site sends after its answer)."""
    deadline = time.monotonic() + wait
    while True:
        found = [
            m
            for m in sent_mail(served_site["mail"])
            if m.to == [address] and m.subject.startswith(subject_start)
        ]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


class SMTPServer:
    """A mail server on loopback for the worker to talk to, in a thread, speaking as much SMTP
    as Django's smtp backend uses. `mode`, which a test may change at any time:
    "accept" keeps every message (`received`: the raw messages), "refuse" answers every
    recipient with a temporary failure (451, as a server that is full or greylisting does), and
    "silent" accepts the connection and never says a word (a server that hangs)."""

    def __init__(self, mode: str = "accept"):
        self.mode = mode
        self.received: list[bytes] = []
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(raw, policy=email.policy.default) for raw in self.received]

    def _handler(self):
        smtp = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                if smtp.mode == "silent":
                    self.request.recv(1)  # until the client gives up and closes
                    return
                self.say("220 faxeif-test ESMTP")
                while line := self.rfile.readline():
                    verb = line.split(b" ", 1)[0].strip().upper()
                    if verb in (b"EHLO", b"HELO"):
                        self.say("250 faxeif-test")
                    elif verb == b"RCPT" and smtp.mode == "refuse":
                        self.say("451 4.3.2 Please try again later")
                    elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                        self.say("250 OK")
                    elif verb == b"DATA":
                        self.say("354 End data with <CR><LF>.<CR><LF>")
                        smtp.received.append(self.data())
                        self.say("250 OK: queued")
                    elif verb == b"QUIT":
                        self.say("221 Bye")
                        return
                    else:
                        self.say("502 Not implemented")

            def data(self) -> bytes:
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                return b"".join(lines)

            def say(self, reply: str) -> None:
                self.wfile.write(reply.encode() + b"\r\n")

        return Handler
