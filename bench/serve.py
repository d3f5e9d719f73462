"""The app as the trace bench serves it: the product's app, with each answer's cost in headers.

``gunicorn -c gunicorn.conf.py 'bench.serve:create()'`` serves ``registry.create_app()`` unchanged,
wrapped in a WSGI layer that adds to every answer:

- ``X-CPU-Microseconds``: the CPU time the request's thread used from the moment the app got
  the request until its answer was built and closed (``time.thread_time``: a gthread
  worker answers each request in one thread, so other requests' work is not counted; the
  database's own time is counted on SQLite, which runs in the thread, not on PostgreSQL);
- ``X-Results-Kept``: ``hits/asked`` of the store of kept results
  (``app.extensions["registry_cache"]``, ``registry.cache``).

The answer is held until it is complete, then sent: fine for pages, not for a stream. This
module is for the benchmark only; the product never imports it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from registry import create_app

_request = threading.local()


def _counting(store, name: str) -> None:
    """Wrap ``store.get`` so that the current request notes what it found (bench only)."""
    original = store.get

    def get(key):
        value = original(key)
        found = getattr(_request, name, None)
        if found is not None:
            found[0 if value is not None else 1] += 1
        return value

    store.get = get


class Measured:
    """WSGI layer: the request's thread CPU time and the kept results' use, as headers."""

    def __init__(self, application):
        self.application = application
        _counting(application.extensions["registry_cache"], "results")

    def __getattr__(self, name: str):
        """Everything else is the Flask app's (gunicorn.conf.py warms its renderer)."""
        return getattr(self.application, name)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        _request.results = [0, 0]
        began = time.thread_time()
        answer: dict = {}
        body: list[bytes] = []

        def capture(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, list(headers)
            return body.append

        iterable = self.application(environ, capture)
        try:
            body.extend(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()  # the app's teardown (the session closed) is counted too
        cpu = time.thread_time() - began
        kept, not_kept = _request.results
        headers = answer["headers"] + [
            ("X-CPU-Microseconds", str(round(cpu * 1_000_000))),
            ("X-Results-Kept", f"{kept}/{kept + not_kept}"),
        ]
        start_response(answer["status"], headers)
        return body


def create() -> Measured:
    """The measured app, for ``gunicorn 'bench.serve:create()'`` (made in the worker's
    master at start, as ``wsgi:app`` is)."""
    return Measured(create_app())
