"""What a worker process keeps for documents: the warm-up when it starts (what it prepares, that
a failure does not stop the worker, the gunicorn hook that calls it and then sets aside what
the worker made from the garbage collector) and one font configuration per process, shared by
the documents its threads render one at a time."""

from __future__ import annotations

import importlib.util
import logging
import shutil
import threading
import time
import weakref
from pathlib import Path
from types import SimpleNamespace

import pytest

from registry.documents import rendering
from tests.conftest import run_in_fresh_interpreter
from tests.documents.conftest import comparable, pdf_pages_text

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.fixture
def gunicorn_conf():
    """The project's gunicorn.conf.py, loaded as gunicorn loads it."""
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", GUNICORN_CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_warm_up_compiles_the_document_templates_and_renders_a_stamped_page(app, monkeypatch):
    rendered = []
    real_render = rendering.render_pdf

    def spy(template, context=None, **options):
        pdf = real_render(template, context, **options)
        rendered.append((options["stamp"], pdf))
        return pdf

    monkeypatch.setattr(rendering, "render_pdf", spy)
    app.jinja_env.cache.clear()
    with app.app_context():
        rendering.warm_up()
    compiled = {key[1] for key in app.jinja_env.cache}
    assert {"documents/base.html", "documents/agreement.html"} <= compiled
    [(stamp, pdf)] = rendered
    assert pdf.startswith(b"%PDF-")
    assert stamp.verify_url  # the QR code maker is loaded too
    # as long as an agreement draft, of Thai clauses of many lengths
    pages = pdf_pages_text(pdf)
    assert len(pages) >= 4
    text = comparable("".join(pages))
    clauses = rendering._warm_up_clauses()
    assert len({len(clause) for clause in clauses}) >= 10
    assert comparable(clauses[-1]) in text


def test_warm_up_app_logs_a_failure_and_does_not_raise(app, monkeypatch, caplog):
    def broken():
        raise OSError("fonts are missing")

    monkeypatch.setattr(rendering, "warm_up", broken)
    with caplog.at_level(logging.ERROR, logger=rendering.__name__):
        assert rendering.warm_up_app(app) is None
    assert "warming up the document renderer failed" in caplog.text


def test_the_gunicorn_worker_hook_warms_up_the_app(app, gunicorn_conf, monkeypatch):
    calls, logged = [], []
    monkeypatch.setattr(rendering, "warm_up_app", lambda app: calls.append(app) or 1.25)
    monkeypatch.delenv("DOCUMENTS_WARM_UP", raising=False)
    log = SimpleNamespace(info=lambda message, *values: logged.append(message % values))
    gunicorn_conf.post_worker_init(SimpleNamespace(wsgi=app, log=log))
    assert calls == [app]
    assert logged == ["document renderer warmed up in 1.25 s"]


@pytest.fixture
def unfrozen():
    """Give the test process's objects back to the garbage collector afterwards."""
    import gc

    gc.unfreeze()
    yield gc
    gc.unfreeze()


@pytest.mark.parametrize("warm_up", ["1", "0"])
def test_the_gunicorn_hook_sets_aside_what_the_worker_made_from_the_garbage_collector(
    app, gunicorn_conf, monkeypatch, unfrozen, warm_up
):
    """After the warm-up (whose objects are among them), with or without it, the objects the
    worker made while starting are in the collector's permanent generation; what requests
    make later is collected as before."""
    frozen_at_warm_up = []
    monkeypatch.setattr(
        rendering,
        "warm_up_app",
        lambda app: frozen_at_warm_up.append(unfrozen.get_freeze_count()) or 1.0,
    )
    monkeypatch.setenv("DOCUMENTS_WARM_UP", warm_up)
    log = SimpleNamespace(info=lambda *_args: None)
    gunicorn_conf.post_worker_init(SimpleNamespace(wsgi=app, log=log))
    assert frozen_at_warm_up == ([0] if warm_up == "1" else [])
    assert unfrozen.get_freeze_count() > 10_000  # the modules and the app, at least

    class Cycle:
        pass

    made_later = Cycle()
    made_later.itself = made_later
    watched = weakref.ref(made_later)
    del made_later
    unfrozen.collect()
    assert watched() is None


def test_warm_up_app_answers_how_long_it_took(app):
    seconds = rendering.warm_up_app(app)
    assert seconds is not None and seconds > 0


@pytest.mark.parametrize("setting", ["0", "off", "false"])
def test_the_gunicorn_hook_can_be_switched_off(app, gunicorn_conf, monkeypatch, setting):
    calls = []
    monkeypatch.setattr(rendering, "warm_up_app", calls.append)
    monkeypatch.setenv("DOCUMENTS_WARM_UP", setting)
    gunicorn_conf.post_worker_init(SimpleNamespace(wsgi=app))
    assert calls == []


def test_the_gunicorn_hook_leaves_other_wsgi_apps_alone(gunicorn_conf, monkeypatch):
    calls = []
    monkeypatch.setattr(rendering, "warm_up_app", calls.append)
    monkeypatch.delenv("DOCUMENTS_WARM_UP", raising=False)
    gunicorn_conf.post_worker_init(SimpleNamespace(wsgi=lambda environ, start: []))
    assert calls == []


def _render(app, sample_template) -> bytes:
    with app.app_context():
        return rendering.render_pdf(sample_template, {"paragraphs": ["ข้อความภาษาไทย"]})


def test_the_process_keeps_one_font_configuration_for_its_documents(app, sample_template):
    _render(app, sample_template)
    first = rendering._font_configuration()
    _render(app, sample_template)
    assert rendering._font_configuration() is first
    assert first in rendering._font_configurations


def test_threads_render_with_the_configuration_the_worker_warmed_up(
    app, sample_template, monkeypatch
):
    """The request threads of a worker render with the font configuration its warm-up made
    (in another thread), one document at a time, and print the same text."""
    with app.app_context():
        rendering.warm_up()
    warmed = rendering._font_configuration()
    results: dict[str, list] = {}
    inside, overlapped, used = [], [], []
    configuration = rendering._font_configuration

    def watched():
        # render_pdf asks for it under the render lock: no other thread may be rendering.
        if inside:
            overlapped.append(True)
        inside.append(True)
        try:
            time.sleep(0.05)  # long enough for the other thread to come in, were it let
            config = configuration()
            used.append(config)
            return config
        finally:
            inside.pop()

    def work(name: str) -> None:
        results[name] = [_render(app, sample_template) for _ in range(2)]

    monkeypatch.setattr(rendering, "_font_configuration", watched)
    threads = [threading.Thread(target=work, args=(f"t{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert set(results) == {"t0", "t1"}
    assert len(used) == 4 and all(config is warmed for config in used)
    assert not overlapped
    for pdfs in results.values():
        assert all(pdf.startswith(b"%PDF-") for pdf in pdfs)
        assert pdf_pages_text(pdfs[0]) == pdf_pages_text(pdfs[1])
    assert pdf_pages_text(results["t0"][0]) == pdf_pages_text(results["t1"][0])


def test_a_font_configuration_is_replaced_when_old_or_its_font_copies_are_gone(
    app, sample_template, monkeypatch
):
    _render(app, sample_template)
    first = rendering._font_configuration()
    assert rendering._font_configuration() is first
    # A cleaner of /tmp removed WeasyPrint's copies of the fonts: the next document still prints.
    shutil.rmtree(first._folder)
    pdf = _render(app, sample_template)
    assert pdf.startswith(b"%PDF-")
    second = rendering._font_configuration()
    assert second is not first
    monkeypatch.setattr(rendering, "FONT_CONFIGURATION_MAX_AGE", 0)
    assert rendering._font_configuration() is not second


def test_the_copies_of_the_fonts_are_removed_at_exit(monkeypatch, tmp_path):
    class Kept:
        _folder = tmp_path / "fonts"

    Kept._folder.mkdir()
    (Kept._folder / "font").write_bytes(b"x")
    kept = Kept()
    alive = weakref.WeakSet([kept])
    monkeypatch.setattr(rendering, "_font_configurations", alive)
    folder = Kept._folder
    rendering._remove_font_copies()
    assert not folder.exists()
    assert kept._folder is None


def test_a_process_that_printed_exits_quietly_and_leaves_no_font_copies(tmp_path):
    """A worker's kept font configuration lives as long as the worker (frozen with what the
    worker made while starting); at exit its copies of the fonts are removed, and no error
    is printed while the interpreter shuts down."""
    # As a gunicorn worker: the project's hook warms up and freezes, then the process ends.
    script = (
        "import importlib.util, logging, types\n"
        "from registry import create_app\n"
        "from registry.documents import rendering\n"
        f"spec = importlib.util.spec_from_file_location('conf', {str(GUNICORN_CONF)!r})\n"
        "conf = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(conf)\n"
        "worker = types.SimpleNamespace(wsgi=create_app(), log=logging.getLogger('w'))\n"
        "conf.post_worker_init(worker)\n"
        "print(rendering._font_configuration()._folder)\n"
    )
    finished = run_in_fresh_interpreter(script, tmp_path)
    folder = Path(finished.stdout.strip().splitlines()[-1])
    assert folder.name and not folder.exists()
    assert "Exception ignored" not in finished.stderr, finished.stderr[-2000:]
