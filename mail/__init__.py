"""The site's e-mails on their way out: queued by the request or command that decides to send
them, sent by a worker, retried when the mail server fails (mail/tasks.py). Below every app that
sends mail; it imports none of them."""
