"""Calls at the same moment, each in a thread of its own with its own database connection."""

import threading

from django.db import connection


def at_once(*calls) -> list:
    """Run each call in its own thread, all released together; what each returned, or the
    exception it raised (a test asserts on it as on any result)."""
    results, start = [None] * len(calls), threading.Barrier(len(calls))

    def run(number):
        start.wait()
        try:
            results[number] = calls[number]()
        except Exception as error:
            results[number] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
