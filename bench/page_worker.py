"""One long-lived process that answers pages for ``bench.before_after``, timing each.

It imports whichever ``registry`` comes first on its path (the driver starts it in the
checkout to measure, with that folder first on ``sys.path``), so it uses only the standard
library and Flask: no other module of ``bench`` and nothing of the product at import time.
It builds the app with the whole-page cache off (``KEEP_PAGES`` of older versions; versions
without it ignore the key), or as the version ships it when started with ``keep-pages``
after the register's URL (to measure the same page asked twice as production answers it),
and templates compiled in memory only, then answers commands,
one JSON object a line on stdin, one answer a line on the stdout it started with (anything
the app prints goes to stderr):

- ``{"op": "sign_in", "accounts": {role: email}, "password": ...}``: a test client per
  reader, signed in through the sign-in form;
- ``{"op": "get", "requests": [[role, url], ...], "twice": false}``: each page asked in
  turn (the roles of ``VISITORS``: a new visitor, a test client of its own, for each page;
  asked twice, the same visitor both times) (with ``"twice": true``, asked
  once untimed and then again, timed); per page its CPU milliseconds (``time.process_time``
  around the test client's call, after a ``gc.collect()``), status, SQL statements
  (``X-SQL-Statements``) and size in bytes (a page whose view raises is answered as a 500
  with the error, and the worker goes on);
- ``{"op": "freeze"}``: the objects made so far set aside from the garbage collector, as a
  gunicorn worker does after its warm-up;
- ``{"op": "quit"}``.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import re
import sys
import time

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

#: Settings for the measured app: no whole-page cache, templates compiled in memory, the
#: statement count in a header.
OVERRIDES = {"TEMPLATE_CACHE_DIR": "", "KEEP_PAGES": False, "SQL_COUNT_HEADER": True}

#: The readers of the public pages, never signed in, by role: the language each has chosen
#: (None: none, the site's default, Thai).
VISITORS = {"anonymous": None, "anonymous, English": "en"}


def visitor(app, language: str | None):
    """A new visitor's test client: no cookie, or only the session of one who chose
    ``language`` with the language buttons (the session's ``locale``, as every version
    keeps it)."""
    client = app.test_client()
    if language:
        with client.session_transaction() as session:
            session["locale"] = language
    return client


def sign_in(app, email: str, password: str):
    """A test client signed in through the sign-in form, as a browser does."""
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    data = {"email": email, "password": password}
    token = _CSRF.search(page)
    if token:
        data["csrf_token"] = token.group(1)
    answer = client.post("/sign-in", data=data)
    if answer.status_code != 302:
        raise RuntimeError(f"could not sign in as {email}: {answer.status_code}")
    return client


def timed_get(client, url: str) -> dict:
    """Ask for ``url``; its CPU milliseconds in this process, status, statements, bytes."""
    gc.collect()
    began = time.process_time()
    try:
        answer = client.get(url)
    except Exception as error:  # noqa: BLE001 (a page that fails is reported, not fatal)
        spent = (time.process_time() - began) * 1000
        return {"url": url, "cpu_ms": spent, "status": 500, "sql": -1, "bytes": 0,
                "error": f"{type(error).__name__}: {error}"}  # fmt: skip
    body = answer.get_data()
    answer.close()
    spent = (time.process_time() - began) * 1000
    return {
        "url": url,
        "cpu_ms": spent,
        "status": answer.status_code,
        "sql": int(answer.headers.get("X-SQL-Statements", -1)),
        "bytes": len(body),
    }


def timed_again(client, url: str) -> dict:
    """Ask for ``url`` once, untimed, then again: the second answer, timed."""
    client.get(url).close()
    return timed_get(client, url)


def serve(database_url: str, commands, reply, keep_pages: bool = False) -> None:
    """Build the app on ``database_url`` and answer ``commands`` (JSON lines) on ``reply``;
    with ``keep_pages``, the whole-page cache as the version has it by default."""
    registry = importlib.import_module("registry")
    overrides = dict(OVERRIDES)
    if keep_pages:
        del overrides["KEEP_PAGES"]
    app = registry.create_app({"SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    if app.config.get("KEEP_PAGES") and not keep_pages:
        raise RuntimeError("the whole-page cache is still on")
    clients: dict = {}

    def send(message: dict) -> None:
        reply.write(json.dumps(message) + "\n")
        reply.flush()

    send({"ready": True, "registry": os.path.dirname(registry.__file__), "pid": os.getpid()})
    for line in commands:
        command = json.loads(line)
        op = command["op"]
        if op == "sign_in":
            for role, email in command["accounts"].items():
                clients[role] = sign_in(app, email, command["password"])
            send({"ok": True})
        elif op == "get":
            ask = timed_again if command.get("twice") else timed_get
            answers = [
                ask(visitor(app, VISITORS[role]) if role in VISITORS else clients[role], url)
                for role, url in command["requests"]
            ]
            send({"results": answers})
        elif op == "freeze":
            gc.collect()
            gc.freeze()
            send({"ok": True})
        elif op == "quit":
            send({"ok": True})
            return
        else:
            send({"error": f"unknown op {op}"})


def main() -> None:
    """Answer on the stdout this process started with; everything else printed to stderr."""
    reply = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.argv[1], sys.stdin, reply, keep_pages=sys.argv[2:] == ["keep-pages"])


if __name__ == "__main__":
    main()
