"""The forms on a page as a browser sees them: where they go, their fields and what submitting them
unchanged would send. Used by the security sweep and the form fuzzer, which find forms by
crawling (tests/site_map.py) rather than from a list someone has to keep up to date."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Field:
    name: str
    kind: str  # the input type ("text", "hidden", "radio"...), or "select", "textarea", "submit"
    value: str = ""  # the value the page filled in (the checked or selected one for choices)
    options: list[str] = field(default_factory=list)  # the values offered, for choices and buttons


@dataclass
class Form:
    action: str  # a path on this site, with its query string
    method: str  # "get" or "post"
    fields: dict[str, Field] = field(default_factory=dict)

    def filled(self) -> dict[str, str | list[str]]:
        """What a person would plausibly send: the page's values, empty text filled in, the first
        choice where nothing is chosen, the first button."""
        data: dict[str, str | list[str]] = {}
        for name, f in self.fields.items():
            if f.kind == "checkbox":
                data[name] = [f.value] if f.value else f.options[:1]
            elif f.kind in ("radio", "select", "submit"):
                data[name] = f.value or (f.options[0] if f.options else "")
            elif f.value:
                data[name] = f.value
            else:
                data[name] = _PLAUSIBLE.get(f.kind, "A plausible answer")
        return data


_PLAUSIBLE = {"date": date.today().isoformat(), "number": "1", "email": "someone@example.org",
              "password": "a long enough password", "time": "09:30", "tel": "555 010 0100"}


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            parts = urlsplit(action)
            self._form = Form(parts.path + (f"?{parts.query}" if parts.query else ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None or not a.get("name") and tag != "option":
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            f = self._form.fields.setdefault(a["name"], Field(a["name"], kind))
            if kind in ("radio", "checkbox"):
                f.options.append(a.get("value", "on"))
                if "checked" in a:
                    f.value = a.get("value", "on")
            elif kind in ("submit", "button", "image"):
                f.kind = "submit"
                f.options.append(a.get("value", ""))
            else:
                f.value = a.get("value", "")
        elif tag == "button" and a.get("type", "submit") == "submit":
            f = self._form.fields.setdefault(a["name"], Field(a["name"], "submit"))
            f.options.append(a.get("value", ""))
        elif tag == "select":
            self._select = self._form.fields.setdefault(a["name"], Field(a["name"], "select"))
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")
        elif tag == "textarea":
            self._textarea = self._form.fields.setdefault(a["name"], Field(a["name"], "textarea"))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None:
                self._textarea.value = self._textarea.value.lstrip("\n")
            self._textarea = None


def forms_on(html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms
