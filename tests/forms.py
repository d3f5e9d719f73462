"""Forms as a browser reads and sends them back: what each field of a page's POST forms
sends, for tests that fill a form the way a person's browser would (the test client's
``page_form`` and the live server's ``Visitor``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Form:
    """A form on a page: where it posts, how it is encoded, and what it sends as it is."""

    action: str
    multipart: bool
    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def with_changes(self, changes: dict[str, str]) -> list[tuple[str, str]]:
        """The fields with ``changes`` put in (added when the form has no such field)."""
        sent = [(name, changes.get(name, value)) for name, value in self.fields]
        present = {name for name, _value in self.fields}
        return sent + [(name, value) for name, value in changes.items() if name not in present]


class FormReader(HTMLParser):
    """Every POST form of a page, with the values a browser would send for each field."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._multiple = False
        self._options: list[tuple[str, bool]] = []
        self._option: list | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {name: (value or "") for name, value in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(
                    action=urlsplit(urljoin(self.page_url, a.get("action") or "")).path,
                    multipart="multipart" in a.get("enctype", ""),
                )
                self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "file":
                self._form.files.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset"):
                self._form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._options, self._multiple = name, [], "multiple" in a
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None:
            value, selected, text = self._option
            self._options.append((text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if self._form is not None:
                if self._multiple:  # every option chosen, none when none is
                    self._form.fields += [(self._select, value) for value in chosen]
                elif chosen or self._options:  # the chosen one, else the first
                    self._form.fields.append((self._select, (chosen or [self._options[0][0]])[0]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None:
                # The HTML parser keeps the newline a browser drops after <textarea>.
                self._form.fields.append(
                    (self._textarea, "".join(self._text).removeprefix("\r\n").removeprefix("\n"))
                )
            self._textarea = None


def page_form(page: str, having: str = "lock_version", page_url: str = "http://localhost/") -> dict:
    """The fields of the page's first POST form that has a field named ``having``, with the
    values a browser would send (a name sent several times, as a multiple choice is, maps to
    the list of its values); fails the test when the page has no such form."""
    reader = FormReader(page_url)
    reader.feed(page)
    for form in reader.forms:
        values: dict = {}
        for name, value in form.fields:
            if name in values:
                kept = values[name]
                values[name] = [*kept, value] if isinstance(kept, list) else [kept, value]
            else:
                values[name] = value
        if having in values:
            return values
    raise AssertionError(f"no form with a field {having!r} on the page")
