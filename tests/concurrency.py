"""Run calls at the same moment on real, separate database connections."""

import threading

from django.db import connection


def run_together(calls):
    """Start every call in its own thread behind one barrier; returns (results,
    errors) in completion order. Each thread closes its own connection."""
    results, errors = [], []
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # returned for the test to assert on
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
