"""Gunicorn settings, read by ``gunicorn wsgi:app`` when started from the project folder (this
is gunicorn's default configuration file; options on the command line still apply).

Each worker, once it has loaded the app and before it takes requests, warms up the document
renderer (``registry.documents.rendering.warm_up``: WeasyPrint, Pango, the fonts, the QR code
maker and the document templates, about a second and some 25 MB per worker, which the first
PDF would cost anyway), so the first agreement or minutes a worker renders is as fast as the
next ones. ``DOCUMENTS_WARM_UP=0`` leaves it out. The warm-up runs in the worker, after the
fork, never in the master: Pango and fontconfig are not to be shared across a fork.

Then the worker sets aside the objects it made while starting (the app, its modules, the
renderer; some 170,000 of them) from Python's garbage collector (``gc.freeze``): they live as
long as the worker, yet a full collection went through all of them, about 135 ms, every few
documents, the first document included. A full collection now looks only at what requests
made (about 35 ms).
"""

from __future__ import annotations

import gc
import os


def post_worker_init(worker) -> None:
    """Warm up the document renderer in a new worker (a failure is logged, not raised), then
    keep what the worker made so far out of the garbage collector's way."""
    _warm_up(worker)
    freeze_startup_objects()


def _warm_up(worker) -> None:
    if os.environ.get("DOCUMENTS_WARM_UP", "1").strip().lower() in ("0", "no", "false", "off"):
        return
    app = worker.wsgi
    if not hasattr(app, "app_context"):  # not the Flask app (wrapped by middleware)
        return
    from registry.documents.rendering import warm_up_app

    seconds = warm_up_app(app)
    if seconds is not None:
        worker.log.info("document renderer warmed up in %.2f s", seconds)


def freeze_startup_objects() -> None:
    """Collect the garbage startup left, then move every object still alive to the
    collector's permanent generation, which no collection goes through."""
    gc.collect()
    gc.freeze()


#: A worker is replaced after this many requests (spread by the jitter so that the workers do
#: not restart together): a safety net that keeps memory from creeping up over weeks.
max_requests = 5000
max_requests_jitter = 500
