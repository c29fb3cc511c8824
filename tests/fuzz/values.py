"""Hostile and plausible values for a form's fields, and the request body that carries them.

A payload is a list of (name, value) pairs, so a name may come twice (a duplicated field) or
not at all (a missing one). Text is sent as UTF-8; a lone surrogate is sent as the bytes a
careless client would send for it (``surrogatepass``), which are not valid UTF-8."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote_plus

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone
from hypothesis import strategies as st

from tests.fuzz.forms import Field, Form

# What a stored value must never become on a later page: markup that runs.
SCRIPT = "<script>fuzz(1)</script>"
IMAGE = '"><img src=x onerror=fuzz(2)>'
UNESCAPED = ("<script>fuzz(", "<img src=x onerror=fuzz")

HUGE = "Å" * 50_000  # 100 kB as UTF-8
HOSTILE_TEXT = [
    "",
    " ",
    HUGE,
    "x" * 100_000,
    "\u202eevil\u202c RTL \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "\U0001f600\U0001f44d\U0001f3fd\U0001f3f3\ufe0f\u200d\U0001f308 \u2764\ufe0f",
    "nul\x00byte",
    "\x00",
    "lone \ud800 surrogate \udfff",
    SCRIPT,
    IMAGE,
    f"Rubrik {SCRIPT}",
    "'; DROP TABLE core_user; --",
    "1' OR '1'='1",
    "1; SELECT pg_sleep(0)",
    '=HYPERLINK("http://example.com","x")',
    "+1+1",
    "@SUM(A1)",
    "{{ 7*7 }}{% debug %}",
    "%s%n%x",
    "../../etc/passwd",
    "\r\n\t\x0b\x0c",
    "\u0000\u0001\u001f\u007f",
    "ǅ\u0301\u0338",
    "true",
    "None",
    "[]",
]
HOSTILE_NUMBERS = [
    "-1",
    "0",
    "-0",
    "1e308",
    "-1e308",
    "NaN",
    "Infinity",
    "-Infinity",
    "9" * 30,
    "-" + "9" * 30,
    "1,5",
    "1.5",
    "12 345",
    "1 000 000",
    "0x10",
    "١٢٣",  # Arabic-Indic digits
    "\uff11\uff12",  # full-width digits
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
]
HOSTILE_DATES = [
    "2024-02-30",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "0000-00-00",
    "31/12/2024",
    "2024-13-01",
    "1900-01-01",
    "2024-1-1",
    "today",
]
HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None, categories=["Cs", "Cc", "Zs", "Mn"]), max_size=10),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(repr),
)
# Text a form should accept and store, each of it a test of what later pages do with it.
STORED_TEXT = st.sampled_from(
    [
        f"Fuzz {SCRIPT}",
        f"Fuzz {IMAGE}",
        "Fuzz \u202eRTL\u202c \u05e9\u05dc\u05d5\u05dd \U0001f600",
        "Fuzz '; DROP TABLE core_user; --",
        '=HYPERLINK("http://example.com","Fuzz")',
        "-Fuzz minus",
        "Fuzz {{ 7*7 }} %s",
        "Fuzz\r\nrad två",
    ]
)


# The kinds of field that take free text: where a stored value is shown again later.
TEXT_KINDS = {"text", "textarea", "search", "tel"}
# Markers in a list of values for files: one drawn (sound or not), one a sound PDF.
FILE, PDF = "<file>", "<pdf>"
# Every text field at once, in the plain tests of what a create form stores (``_stores`` in
# ``test_forms_fuzz.py``): markup, right-to-left and emoji; a text area with no stated limit
# gets 100 kB more.
STORED_HOSTILE = f"{SCRIPT} {IMAGE} \u202eRTL\u202c \u05e9\u05dc\u05d5\u05dd \U0001f600"
HUGE_HOSTILE = f"{STORED_HOSTILE} {HUGE}"


def _today() -> dt.date:
    return timezone.localdate()


def _fit(text: str, item: Field) -> str:
    return text[: item.maxlength] if item.maxlength else text


def _number(item: Field) -> str:
    """A whole number within the stated limits: a small amount, a few years."""
    number = 1_000
    if item.high is not None:
        number = min(number, item.high)
    if item.low is not None:
        number = max(number, item.low)
    return str(number)


def _nearby(item: Field, shown: str) -> str | None:
    """One less than the number the page shows (a smaller amount is more often allowed), or
    one more where that is below the stated minimum."""
    try:
        number = int("".join(shown.split()))
    except ValueError:
        return None
    low = 1 if item.low is None else item.low
    for candidate in (number - 1, number + 1):
        if candidate >= low and (item.high is None or candidate <= item.high):
            return str(candidate)
    return None


def typical(form: Form, overrides: dict | None = None) -> dict[str, list[str]]:
    """What a careful person sends, field by field: the page's own choices kept (the selected
    option, the checked radio button, a date or amount filled in) and the rest filled in within
    what the page states: the first non-empty option, a required checkbox ticked (others left
    alone), a number within ``min`` and ``max``, each date a month after the one before it (an
    end after its start, a deadline after the other), an e-mail address, a PDF, the text
    "Fuzz". Then ``overrides``, the values only the world knows (``PLAUSIBLE`` in
    ``test_forms_fuzz.py``): a string or a list of them per field name."""
    values: dict[str, list[str]] = {}
    latest = _today()
    for item in form.fields.values():
        default = [value for value in item.default if value]
        if item.kind in ("hidden", "password"):
            chosen = list(item.default)
        elif item.kind in ("select", "radio"):
            options = [option for option in item.options if option]
            chosen = default[:1] or options[:1]
        elif item.kind in ("select-multiple", "checkbox"):
            chosen = default or (item.options[:1] if item.required else [])
        elif item.kind == "number":
            chosen = default[:1] or [_number(item)]
        elif item.kind == "date":
            try:
                day = dt.date.fromisoformat(default[0]) if default else None
            except ValueError:
                day = None
            day = day or latest + dt.timedelta(days=30)
            latest = max(latest, day)
            chosen = [day.isoformat()]
        elif item.kind == "email":
            chosen = default[:1] or ["fuzz@example.com"]
        elif item.kind == "file":
            chosen = [PDF]
        elif item.kind in TEXT_KINDS:
            chosen = default[:1] or [_fit("Fuzz", item)]
        else:
            chosen = list(item.default)
        values[item.name] = chosen
    for name, value in (overrides or {}).items():
        values[name] = [value] if isinstance(value, str) else list(value)
    return values


def plausible(
    item: Field, usual: list[str], *, fixed: bool = False
) -> st.SearchStrategy[list[str]]:
    """Values a person could well type, which the form accepts (so that posts get stored): the
    typical value (or a number the page shows, changed by one), and for a text field its
    default or text that later pages must show safely (``STORED_TEXT``)."""
    if not fixed and item.kind == "number" and usual == item.default[:1]:
        nearby = _nearby(item, usual[0])  # an edit form that changes a figure
        return st.sampled_from([list(usual), *([[nearby]] if nearby else [])])
    if fixed or item.kind not in TEXT_KINDS:
        return st.just(list(usual))
    stored = STORED_TEXT.map(lambda text: [_fit(text, item)])
    if item.default and item.default != [""]:
        return st.one_of(st.just(list(item.default)), stored)
    return stored


def varied(item: Field) -> st.SearchStrategy[list[str]]:
    """Values of the right kind drawn at random: any option, any subset of the checkboxes, a
    number or date in a wide range. Often not what the form accepts."""
    if item.options and item.kind in ("select", "radio"):
        return st.sampled_from(item.options).map(lambda value: [value])
    if item.kind in ("select-multiple", "checkbox") and item.options:
        return st.lists(st.sampled_from(item.options), unique=True, max_size=3)
    if item.kind == "number":
        return st.integers(min_value=0, max_value=2_000_000).map(lambda n: [str(n)])
    if item.kind == "date":
        return st.integers(min_value=-60, max_value=900).map(
            lambda days: [(_today() + dt.timedelta(days=days)).isoformat()]
        )
    if item.kind == "email":
        return st.integers(min_value=1, max_value=99).map(lambda n: [f"fuzz{n}@example.com"])
    if item.kind == "file":
        return st.just([FILE])
    return STORED_TEXT.map(lambda text: [text])


def hostile(item: Field, usual: list[str]) -> st.SearchStrategy[list[str]]:
    """A hostile value for the field: missing, duplicated, a list, or a hostile value."""
    return st.one_of(
        HOSTILE.map(lambda value: [value]),
        st.just([]),  # missing
        st.lists(HOSTILE, min_size=2, max_size=3),  # duplicated with other values
        st.just(list(usual) * 2),  # the same value twice
        st.just([FILE]),  # a file where text is expected
    )


@st.composite
def payloads(draw, form: Form | None, overrides: dict | None = None) -> list[tuple[str, object]]:
    """A request body for ``form``: all plausible, plausible with one field hostile, or every
    field drawn at random; sometimes with a field the form does not have. The plausible values
    (``typical``, text from ``STORED_TEXT``) make a valid post, so that the first two store
    what they send: the hostile value too, where the form accepts it."""
    fields = list(form.fields.values()) if form else []
    usual = typical(form, overrides) if form else {}
    fixed = set(overrides or ())
    mode = draw(st.sampled_from(["plausible", "one", "chaos"]))
    victim = draw(st.sampled_from(fields)) if fields and mode == "one" else None
    pairs: list[tuple[str, object]] = []
    for item in fields:
        kept = plausible(item, usual[item.name], fixed=item.name in fixed)
        if mode == "chaos":
            values = draw(st.one_of(kept, varied(item), hostile(item, usual[item.name])))
        elif item is victim:
            values = draw(hostile(item, usual[item.name]))
        else:
            values = draw(kept)
        pairs.extend((item.name, value) for value in values)
    if form and form.buttons:
        pairs.append(draw(st.sampled_from(form.buttons)))
    if not fields or (mode == "chaos" and draw(st.booleans())):
        name = draw(st.sampled_from(["extra", "id", "pk", "state", "user", "amount", "__proto__"]))
        pairs.append((name, draw(HOSTILE)))
    return [(name, files(value, draw)) for name, value in pairs]


def files(value, draw=None):
    """The value, or the file its marker stands for: a sound PDF, or one drawn."""
    if value == PDF:
        return SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    if value == FILE and draw is not None:
        return _file(draw)
    return value


def _file(draw) -> SimpleUploadedFile:
    name = draw(
        st.sampled_from(
            [
                "plan.pdf",
                "../../etc/passwd",
                f"{SCRIPT}.pdf",
                "\u202egpj.exe",
                "nul\x00.pdf",
                "x" * 300 + ".pdf",
                "",
                ".pdf",
            ]
        )
    )
    content = draw(
        st.sampled_from([b"%PDF-1.4\n%%EOF\n", b"", b"MZ\x90\x00", b"<html><script>x</script>"])
    )
    content_type = draw(st.sampled_from(["application/pdf", "text/html", "", "x/\x00"]))
    return SimpleUploadedFile(name or "f", content, content_type=content_type)


def _safe(text: str) -> str:
    """For multipart bodies (Django's encoder writes strict UTF-8)."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def body(pairs: list[tuple[str, object]]) -> tuple[bytes, str]:
    """The request body and its content type: urlencoded (raw bytes, lone surrogates kept)
    unless a file is sent."""
    if any(isinstance(value, SimpleUploadedFile) for _name, value in pairs):
        data: dict[str, list] = {}
        for name, value in pairs:
            data.setdefault(_safe(name), []).append(
                value if isinstance(value, SimpleUploadedFile) else _safe(value)
            )
        return encode_multipart(BOUNDARY, data), MULTIPART_CONTENT
    encoded = "&".join(
        f"{quote_plus(name, errors='surrogatepass')}={quote_plus(value, errors='surrogatepass')}"
        for name, value in pairs
    )
    return encoded.encode("ascii"), "application/x-www-form-urlencoded"
