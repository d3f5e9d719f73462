"""Gunicorn settings, read by ``gunicorn wsgi:app`` when started from the project folder (this
is gunicorn's default configuration file; options on the command line still apply).

Each worker, once it has loaded the app and before it takes requests, warms up the document
renderer (``registry.documents.rendering.warm_up``: WeasyPrint, Pango, the fonts, the QR code
maker and the document templates, about a second and some 25 MB per worker, which the first
PDF would cost anyway), so the first agreement or minutes a worker renders is as fast as the
next ones. ``DOCUMENTS_WARM_UP=0`` leaves it out. The warm-up runs in the worker, after the
fork, never in the master: Pango and fontconfig are not to be shared across a fork.
"""

from __future__ import annotations

import os


def post_worker_init(worker) -> None:
    """Warm up the document renderer in a new worker (a failure is logged, not raised)."""
    if os.environ.get("DOCUMENTS_WARM_UP", "1").strip().lower() in ("0", "no", "false", "off"):
        return
    app = worker.wsgi
    if not hasattr(app, "app_context"):  # not the Flask app (wrapped by middleware)
        return
    from registry.documents.rendering import warm_up_app

    seconds = warm_up_app(app)
    if seconds is not None:
        worker.log.info("document renderer warmed up in %.2f s", seconds)


#: A worker is replaced after this many requests (spread by the jitter so that the workers do
#: not restart together): a safety net that keeps memory from creeping up over weeks.
max_requests = 5000
max_requests_jitter = 500
