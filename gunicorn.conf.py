"""Gunicorn settings, read by ``gunicorn wsgi:app`` when started from the project folder (this
is gunicorn's default configuration file; options on the command line still apply).

Each worker, once it has loaded the app and before it takes requests, warms up the document
renderer (``registry.documents.rendering.warm_up``: WeasyPrint, Pango, the fonts, the QR code
maker, the Thai dictionary and the document templates, which the first PDF would cost
anyway), so the first agreement or minutes a worker renders is as fast as the next ones.
``DOCUMENTS_WARM_UP=0`` leaves it out. The warm-up runs in the worker, after the fork, never
in the master: Pango and fontconfig are not to be shared across a fork.

Then the worker sets aside the objects it made while starting (the app, its modules, the
renderer; some 170,000 of them) from Python's garbage collector (``gc.freeze``): they live as
long as the worker, yet a full collection went through all of them, about 135 ms, every few
documents, the first document included. A full collection now looks only at what requests
made (about 35 ms).

Memory: the C allocator (glibc's malloc) gives each thread that allocates at the same time
as another an arena of its own, and keeps what was freed in them for reuse rather than
giving it back: a gthread worker's memory then climbs with every burst of concurrent
requests and never comes down. Each worker therefore keeps to ``MALLOC_ARENAS`` arenas, and
gives back the free pages (``malloc_trim``) after its warm-up and then every
``TRIM_EVERY_REQUESTS`` requests (a few milliseconds, in the thread that answered). Where
the C library has no such calls (not glibc), nothing of this happens.

Each worker loads the app itself (``preload_app`` stays off): loaded once in the master, the
code and data the workers share would count in each worker's resident memory all the same,
for a small saving in total, and a reload (``kill -HUP``) would keep serving the code the
master loaded at its start.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import os

#: The C allocator's arenas per worker (glibc's default is 8 per core).
MALLOC_ARENAS = 2
#: A worker gives its free memory back to the system after this many requests.
TRIM_EVERY_REQUESTS = 200
#: glibc's mallopt() parameter for the number of arenas.
_M_ARENA_MAX = -8

try:
    _LIBC = ctypes.CDLL(None)
    _mallopt, _malloc_trim = _LIBC.mallopt, _LIBC.malloc_trim
except (OSError, AttributeError):  # not glibc: the allocator's own behaviour stays
    _mallopt = _malloc_trim = None

_answered = itertools.count(1)


def post_worker_init(worker) -> None:
    """Keep the new worker's allocator to a few arenas, warm up the document renderer (a
    failure is logged, not raised), keep what the worker made so far out of the garbage
    collector's way, then give the memory startup freed back to the system."""
    limit_malloc_arenas()
    _warm_up(worker)
    freeze_startup_objects()
    give_back_free_memory()


def post_request(worker, req, environ, resp) -> None:
    """Every ``TRIM_EVERY_REQUESTS`` requests, give the memory requests freed back."""
    if next(_answered) % TRIM_EVERY_REQUESTS == 0:
        give_back_free_memory()


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap the C allocator's arenas in this process (before its threads start), so that
    concurrent requests share a few heaps instead of growing one each; whether it applied."""
    return bool(_mallopt is not None and _mallopt(_M_ARENA_MAX, arenas))


def give_back_free_memory() -> bool:
    """Return the free pages the C allocator keeps to the system (``malloc_trim``);
    whether any was returned."""
    return bool(_malloc_trim is not None and _malloc_trim(0))


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
