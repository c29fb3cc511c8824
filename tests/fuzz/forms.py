"""The forms of a page, read from its HTML as a browser reads them: each form's method and
action, and its fields (inputs, selects, textareas and named submit buttons) with what a browser
would send for them untouched."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Input types a browser does not send, or sends only when clicked.
NOT_SENT = {"submit", "button", "reset", "image"}


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, number, date, email, hidden, select, checkbox, radio, file...
    default: list[str] = field(default_factory=list)  # what an untouched form sends
    options: list[str] = field(default_factory=list)  # select, radio, checkbox values
    required: bool = False
    # The limits the page states (``min``, ``max``, ``maxlength``), for values a form accepts.
    low: int | None = None
    high: int | None = None
    maxlength: int | None = None


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons

    def add(
        self,
        name: str,
        kind: str,
        value: str | None,
        *,
        sent: bool,
        required: bool,
        limits: dict | None = None,
    ):
        known = self.fields.get(name)
        if known is None:
            known = self.fields[name] = Field(name, kind, required=required, **(limits or {}))
        if value is not None and kind in ("checkbox", "radio", "select"):
            known.options.append(value)
        if sent and value is not None:
            known.default.append(value)


def _limits(a: dict) -> dict:
    """The whole-number limits an input states (a ``min`` of a date is not one)."""
    limits = {}
    for attribute, key in (("min", "low"), ("max", "high"), ("maxlength", "maxlength")):
        with contextlib.suppress(KeyError, ValueError):
            limits[key] = int(a[attribute])
    return limits


class _Parser(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: tuple[str, bool] | None = None  # name, required
        self.option: tuple[str | None, bool] | None = None  # value, selected
        self.option_text = ""
        self.select_chosen = False
        self.textarea: tuple[str, bool] | None = None
        self.textarea_limits: dict = {}
        self.textarea_text = ""

    def handle_starttag(self, tag, attrs):
        a = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            action = urlsplit(a.get("action") or self.page_path).path or self.page_path
            self.form = Form(action=action, method=(a.get("method") or "get").lower())
            self.forms.append(self.form)
            return
        if self.form is None or "name" not in a or "disabled" in a:
            if tag == "option" and self.select is not None:
                self._option(a)
            return
        name, required = a["name"], "required" in a
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in NOT_SENT:
                self.form.buttons.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                value, checked = a.get("value", "on"), "checked" in a
                self.form.add(name, kind, value, sent=checked, required=required)
            else:
                if kind == "text" and a.get("inputmode") in ("numeric", "decimal"):
                    kind = "number"  # the amounts (core.money.AmountInput): text, for grouping
                self.form.add(
                    name, kind, a.get("value", ""), sent=True, required=required, limits=_limits(a)
                )
        elif tag == "button":
            if (a.get("type") or "submit").lower() == "submit":
                self.form.buttons.append((name, a.get("value", "")))
        elif tag == "select":
            self.select = (name, required)
            self.select_chosen = False
            self.form.add(name, "select", None, sent=False, required=required)
            if "multiple" in a:
                self.form.fields[name].kind = "select-multiple"
        elif tag == "textarea":
            self.textarea = (name, required)
            self.textarea_limits = _limits(a)
            self.textarea_text = ""

    def _option(self, a):
        self._end_option()
        self.option = (a.get("value"), "selected" in a)
        self.option_text = ""

    def _end_option(self):
        if self.option is None or self.select is None or self.form is None:
            self.option = None
            return
        value, selected = self.option
        value = self.option_text.strip() if value is None else value
        name = self.select[0]
        known = self.form.fields[name]
        known.options.append(value)
        if selected:
            known.default.append(value)
            self.select_chosen = True
        self.option = None

    def handle_data(self, data):
        if self.option is not None:
            self.option_text += data
        if self.textarea is not None:
            self.textarea_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "option":
            self._end_option()
        elif tag == "select" and self.select is not None:
            self._end_option()
            if self.form is not None:
                known = self.form.fields[self.select[0]]
                if not self.select_chosen and known.options and known.kind == "select":
                    known.default.append(known.options[0])  # a browser sends the first option
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            if self.form is not None:
                text = self.textarea_text.removeprefix("\n")
                self.form.add(
                    self.textarea[0],
                    "textarea",
                    text,
                    sent=True,
                    required=self.textarea[1],
                    limits=self.textarea_limits,
                )
            self.textarea = None


def forms_of(html: str, page_path: str) -> list[Form]:
    parser = _Parser(page_path)
    parser.feed(html)
    parser.close()
    return [form for form in parser.forms if form.method == "post"]
