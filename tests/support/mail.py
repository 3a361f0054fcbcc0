"""E-mail in tests: backends beside Django's locmem (which keeps mails in mail.outbox), and the
mail a served site sent: under the test settings it writes each message to a file in the folder
EMAIL_FILE_PATH names (tests/support/processes.py site_env), as Django's file backend does, one
message after another with a line of dashes between them."""

import email
import email.policy
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
