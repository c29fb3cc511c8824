"""HTML to PDF with WeasyPrint: A4, tagged for accessibility (PDF/UA-1: structure tags, the
document's language and title), fonts embedded, nothing fetched from outside.

The running texts in the page margins (the fund, the registration number or "Ej diarieförd",
the dates, "Sida X av Y") are made here as CSS from translated strings, so the stylesheet
holds no words and the templates no style."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

STYLESHEET = Path(__file__).parent / "pdf" / "report.css"
PDF_VARIANT = "pdf/ua-1"  # tagged: structure, language and title (BRIEF.md)


class FetchRefused(ValueError):
    pass


class _NoFetching:
    """WeasyPrint's URL fetcher for reports. Reports are self-contained (SVG inline, fonts from
    the system): a report that names an address must never make the worker fetch it; WeasyPrint
    leaves the resource out and goes on. Given to the stylesheets too: without it each ``CSS``
    makes WeasyPrint's own fetcher, which loads the system's certificates (40 ms each)."""

    _fail_on_errors = False  # read by weasyprint.urls.fetch when a fetch is refused

    def __call__(self, url: str, *args, **kwargs):
        raise FetchRefused(f"Reports fetch nothing: {url[:80]}")


_no_fetching = _NoFetching()


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


@functools.cache
def _stylesheet():
    """The print stylesheet, parsed once per process (a worker renders many reports)."""
    from weasyprint import CSS

    return CSS(filename=str(STYLESHEET), url_fetcher=_no_fetching)


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
        stylesheets=[_stylesheet(), CSS(string=margin_css(texts), url_fetcher=_no_fetching)]
    )
    laid_out(len(document.pages))
    content = document.write_pdf(pdf_variant=PDF_VARIANT)
    return Pdf(content=content, pages=len(document.pages))


_WARM_HTML = (
    '<html lang="sv"><title>-</title><body><h1>Värme</h1><p><strong>Fet</strong> text.</p>'
    '<table class="grid"><caption>-</caption><thead><tr><th scope="col">Organisation</th>'
    '<th scope="col" class="num">2026</th></tr></thead><tbody><tr><th scope="row">'
    "Stadsdelsnämnden</th><td class='num'>1 000</td></tr></tbody></table></body></html>"
)


def warm() -> None:
    """Lay out and write a small report once, so that a worker's first report does not pay
    for what WeasyPrint loads on first use (the fonts through Pango, the PDF/UA writer, the
    stylesheet) nor for the Swedish hyphenation patterns (pyphen). Called when a worker starts
    (``fondadmin.celery``) and by ``bench_report`` before it times a report, as a worker's
    would be; needs no database and no translations."""
    import pyphen
    from weasyprint import CSS, HTML

    pyphen.Pyphen(lang="sv")  # pyphen keeps the patterns for the process
    margins = '@page { @bottom-right { content: "-" counter(page) " " counter(pages) } }'
    HTML(string=_WARM_HTML, base_url=str(settings.BASE_DIR), url_fetcher=_no_fetching).render(
        stylesheets=[_stylesheet(), CSS(string=margins, url_fetcher=_no_fetching)]
    ).write_pdf(pdf_variant=PDF_VARIANT)
