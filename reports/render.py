"""HTML to PDF with WeasyPrint: A4, tagged for accessibility (PDF/UA-1: structure tags, the
document's language and title), fonts embedded, nothing fetched from outside.

The running texts in the page margins (the fund, the registration number or "Ej diarieförd",
the dates, "Sida X av Y") are made here as CSS from translated strings, so the stylesheet
holds no words and the templates no style."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

STYLESHEET = Path(__file__).parent / "pdf" / "report.css"


class FetchRefused(ValueError):
    pass


def _no_fetching(url: str, *args, **kwargs):
    # Reports are self-contained (SVG inline, fonts from the system): a report that names an
    # address must never make the worker fetch it.
    raise FetchRefused(f"Reports fetch nothing: {url[:80]}")


@dataclass(frozen=True)
class Running:
    """The texts in the margins of every page."""

    top_left: str
    top_right: str
    bottom_left: str


def running(
    *, fund_name: str, registration: str | None, value_date: dt.date, generated_at: dt.datetime
) -> Running:
    from django.utils import timezone

    return Running(
        top_left=fund_name,
        top_right=registration or _("Not registered"),
        bottom_left=_("As of %(date)s · generated %(time)s")
        % {
            "date": f"{value_date:%Y-%m-%d}",
            "time": f"{timezone.localtime(generated_at):%Y-%m-%d %H:%M}",
        },
    )


def _css_string(text: str) -> str:
    """A CSS string literal: quotes and backslashes escaped, line breaks made spaces."""
    escaped = re.sub(r'["\\]', lambda m: "\\" + m.group(), re.sub(r"\s", " ", text))
    return f'"{escaped}"'


def _page_content() -> str:
    """ "Sida X av Y" as CSS content: the translation with its two counters in place."""
    parts = re.split(r"(\{page\}|\{pages\})", _("Page {page} of {pages}"))
    tokens = []
    for part in parts:
        if part == "{page}":
            tokens.append("counter(page)")
        elif part == "{pages}":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(_css_string(part))
    return " ".join(tokens)


def margin_css(texts: Running) -> str:
    boxes = {
        "top-left": _css_string(texts.top_left),
        "top-right": _css_string(texts.top_right),
        "bottom-left": _css_string(texts.bottom_left),
        "bottom-right": _page_content(),
    }
    rules = " ".join(f"@{box} {{ content: {content} }}" for box, content in boxes.items())
    return f"@page {{ {rules} }} @page wide {{ {rules} }}"


@dataclass(frozen=True)
class Pdf:
    content: bytes
    pages: int


def html_to_pdf(
    html: str, *, texts: Running, laid_out: Callable[[int], None] = lambda pages: None
) -> Pdf:
    """Lay out and write the PDF; ``laid_out(pages)`` is called between the two steps."""
    from weasyprint import CSS, HTML  # imported here: the web process seldom needs it

    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_no_fetching).render(
        stylesheets=[CSS(filename=str(STYLESHEET)), CSS(string=margin_css(texts))]
    )
    laid_out(len(document.pages))
    content = document.write_pdf(pdf_variant="pdf/ua-1")
    return Pdf(content=content, pages=len(document.pages))
