"""E-mail backends for tests, beside Django's locmem (which keeps mails in mail.outbox)."""

import time

from django.core.mail.backends.locmem import EmailBackend


class SlowEmailBackend(EmailBackend):
    """Django's locmem backend behind a mail server that takes half a second per message: time
    for a second process to do the same work at the same moment."""

    def send_messages(self, messages):
        time.sleep(0.5)
        return super().send_messages(messages)
