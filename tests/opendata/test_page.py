"""The public open-data page: open without signing in, in Thai first and in English, with
the files to download, the licence and the data dictionary; and the command that writes the
files for the catalogue."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

from flask import template_rendered

from registry.opendata import dictionary, services


def _page(client, language: str | None = None) -> str:
    if language:
        client.post("/language", data={"locale": language}).close()
    with client.get("/open-data") as response:
        assert response.status_code == 200
        return response.get_data(as_text=True)


def test_anyone_reads_the_page_in_thai_by_default(client):
    html = _page(client)
    assert "ข้อมูลเปิด" in html and "พจนานุกรมข้อมูล" in html
    assert "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)" in html
    assert "องค์กรภาคีเครือข่าย" in html  # the resource titles in Thai
    assert "ปฏิทินสากล" in html  # the conventions: dates are Common Era
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html


def test_the_page_in_english_lists_every_file_and_every_field(client):
    html = _page(client, "en")
    assert "Open data" in html and "Partner organisations" in html
    links = set(re.findall(r'href="/open-data/([^"]+)"', html))
    assert links == set(services.FILES)
    for resource in dictionary.RESOURCES:
        table = html.split(f'data-testid="dictionary-{resource.name}"')[1].split("</table>")[0]
        assert re.findall(r"<th scope=\"row\"><code>([^<]+)</code>", table) == (
            resource.field_names
        )
    # The codes with their labels, in the reader's language.
    assert "<code>signed</code> Signed" in html
    assert "<code>association</code> Association" in html


@contextmanager
def _rendered(app):
    """The names of the templates rendered inside the block, in order (Flask's signal)."""
    names: list[str] = []

    def note(_sender, template, **_extra):
        names.append(template.name)

    template_rendered.connect(note, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(note, app)


def test_the_content_is_rendered_once_per_language_and_kept_for_the_next_visitors(app, client):
    app.extensions.pop("opendata_page", None)  # kept by an earlier test of this app
    with _rendered(app) as names:
        thai = _page(client)
        again = _page(app.test_client())  # another visitor, in Thai too
        english = _page(app.test_client(), "en")
        english_again = _page(app.test_client(), "en")
    assert names.count("opendata/_content.html") == 2  # once in Thai, once in English
    assert names.count("opendata/index.html") == 4
    # The same content (the language form's token above it is each visitor's own).
    assert thai.split("</nav>")[1] == again.split("</nav>")[1]
    assert english.split("</nav>")[1] == english_again.split("</nav>")[1]
    # Each visitor reads the content in their own language, whichever was kept first.
    assert "องค์กรภาคีเครือข่าย" in thai and "Partner organisations" not in thai
    assert "Partner organisations" in english and "องค์กรภาคีเครือข่าย" not in english
    assert english.count('data-testid="dictionary-') == len(dictionary.RESOURCES)


def test_while_templates_are_reloaded_the_content_is_rendered_at_every_request(app, client):
    app.extensions.pop("opendata_page", None)
    app.jinja_env.auto_reload = True  # as under "flask run --debug"
    try:
        with _rendered(app) as names:
            _page(client)
            _page(client)
    finally:
        app.jinja_env.auto_reload = False
    assert names.count("opendata/_content.html") == 2
    assert "opendata_page" not in app.extensions or not app.extensions["opendata_page"]


def test_the_footer_links_to_the_page_on_every_page(client):
    with client.get("/sign-in") as response:
        assert 'href="/open-data"' in response.get_data(as_text=True)


def test_the_command_writes_every_file(app, runner, tmp_path, make_organisation):
    make_organisation("สมาคมส่งออกข้อมูลเปิด")
    folder = tmp_path / "new" / "open-data"
    result = runner.invoke(
        args=["registry", "export-open-data", str(folder), "--base-url", "https://data.example/"]
    )
    assert result.exit_code == 0, result.output
    expected = [
        "organisations.csv", "organisations.json",
        "agreements.csv", "agreements.json",
        "agreement-parties.csv", "agreement-parties.json",
        "committees.csv", "committees.json",
        "committee-organisations.csv", "committee-organisations.json",
        "proposals.csv", "proposals.json",
        "data-dictionary.csv", "data-dictionary.json",
        "catalogue.json",
    ]  # fmt: skip
    assert result.output.split() == expected
    assert sorted(path.name for path in folder.iterdir()) == sorted(expected)
    assert "สมาคมส่งออกข้อมูลเปิด" in (folder / "organisations.csv").read_text("utf-8-sig")
    catalogue = json.loads((folder / "catalogue.json").read_text("utf-8"))
    assert catalogue["landingPage"] == "https://data.example/open-data"
    assert catalogue["distribution"][0]["downloadURL"] == (
        "https://data.example/open-data/organisations.csv"
    )


def test_the_command_writes_the_same_files_the_site_serves(client, runner, tmp_path):
    assert runner.invoke(args=["registry", "export-open-data", str(tmp_path)]).exit_code == 0
    for name in services.FILES:
        if name == "catalogue.json":
            continue  # its addresses depend on where it is read from
        with client.get(f"/open-data/{name}") as response:
            assert (tmp_path / name).read_bytes() == response.get_data(), name


def test_the_command_refuses_a_folder_it_cannot_write(runner, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = runner.invoke(args=["registry", "export-open-data", str(blocker / "inside")])
    assert result.exit_code != 0
    assert "Cannot write" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
