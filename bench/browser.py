"""Reading pages as a browser does, for the load test (``bench/load.py``): a page's forms with
what a browser would send (hidden fields such as the CSRF token and the one-time form key,
checked boxes, selected options, text areas), its links with their text, and the addresses its
elements poll (``hx-get``). Standard library only."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser


class Unexpected(Exception):
    """A response the journey did not expect (recorded as an error; the journey starts over)."""


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # what a browser sends as is
    choices: dict[str, list[str]] = field(default_factory=dict)  # radio buttons and options

    def data(self, **values: str | list[str]) -> list[tuple[str, str]]:
        """The form's own values (hidden ones: CSRF token, one-time key) with ``values`` set."""
        merged = {
            **self.fields,
            **{k: v if isinstance(v, list) else [v] for k, v in values.items()},
        }
        return [(name, value) for name, seen in merged.items() for value in seen]


class Page(HTMLParser):
    """The forms, links (href and text) and polling addresses (``hx-get``) of a page."""

    def __init__(self, url: str, text: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self.links: list[tuple[str, str]] = []
        self.polls: list[str] = []
        self._form: Form | None = None
        self._select: tuple[str, bool, list[str], list[str]] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._link: tuple[str, list[str]] | None = None
        self.feed(text)
        self.close()

    def _absolute(self, href: str) -> str:
        return urllib.parse.urljoin(self.url, href)

    def handle_starttag(self, tag, attrs):
        a = {name: value if value is not None else "" for name, value in attrs}
        if "hx-get" in a:
            self.polls.append(self._absolute(a["hx-get"]))
        if tag == "a" and "href" in a:
            self._link = (self._absolute(a["href"]), [])
        elif tag == "form":
            self._form = Form(self._absolute(a.get("action") or ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            self._select[2].append(a.get("value", ""))
            if "selected" in a:
                self._select[3].append(a.get("value", ""))
        elif self._form is None or "name" not in a:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "select":
            self._select = (a["name"], "multiple" in a, [], [])
        elif tag == "textarea":
            self._textarea = (a["name"], [])

    def _input(self, a: dict) -> None:
        kind = a.get("type", "text").lower()
        name = a["name"]
        if kind in ("submit", "button", "image", "reset", "file"):
            return
        if kind in ("radio", "checkbox"):
            self._form.choices.setdefault(name, []).append(a.get("value", "on"))
            if "checked" in a:
                self._form.fields.setdefault(name, []).append(a.get("value", "on"))
            return
        self._form.fields.setdefault(name, []).append(a.get("value", ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._link is not None:
            self._link[1].append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join("".join(self._link[1]).split())))
            self._link = None
        elif tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields[self._textarea[0]] = ["".join(self._textarea[1])]
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, options, selected = self._select
            self._form.choices[name] = options
            if selected or (options and not multiple):  # a browser sends the first option
                self._form.fields[name] = selected or options[:1]
            self._select = None

    def form(self, action_pattern: str) -> Form:
        """The form whose action matches ``action_pattern`` (a regular expression on the path)."""
        for form in self.forms:
            if re.search(action_pattern, urllib.parse.urlsplit(form.action).path):
                return form
        raise Unexpected(f"{self.url}: no form posting to {action_pattern}")

    def link(self, path_pattern: str, text: str = "") -> str | None:
        """The first link whose path (and query) matches, and whose text contains ``text``."""
        for href, words in self.links:
            parts = urllib.parse.urlsplit(href)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if re.fullmatch(path_pattern, target) and text in words:
                return href
        return None


class LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
    """Browsers treat loopback as a secure context: they send ``Secure`` cookies to it over HTTP."""

    def return_ok_secure(self, cookie, request):
        return True
