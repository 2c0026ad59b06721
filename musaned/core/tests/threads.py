"""Real threads against the database, for the tests that show what row locks hold under
concurrency (they run on PostgreSQL: ask for the ``postgresql`` fixture)."""

import threading
from collections.abc import Callable

from django.db import connection


def race(functions: list[Callable[[], object]]) -> tuple[list, list]:
    """Run each function in its own thread, all released together by a barrier.

    Returns (results, errors) in the order they came. Each thread closes its own database
    connection; a thread that never ends fails the test."""
    barrier = threading.Barrier(len(functions))
    results, errors = [], []
    lock = threading.Lock()

    def run(function):
        try:
            barrier.wait(timeout=30)
            result = function()
            with lock:
                results.append(result)
        except Exception as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results, errors
