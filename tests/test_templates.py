"""Templates keep to the strict CSP: no inline script, style or event handlers."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"]
PROBLEMS = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "hx-on": re.compile(r"\shx-on", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "CDN or other origin": re.compile(r"(src|href)=\"(https?:)?//", re.IGNORECASE),
}


def test_no_template_breaks_the_content_security_policy():
    found = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for problem, pattern in PROBLEMS.items():
                if pattern.search(text):
                    found.append(f"{path.relative_to(directory)}: {problem}")
    assert found == []


def test_the_check_would_notice(tmp_path):
    samples = [
        "<script>alert(1)</script>",
        '<div style="color:red">',
        '<button onclick="x()">',
        '<script src="https://cdn.example/x.js"></script>',
    ]
    for sample in samples:
        assert any(pattern.search(sample) for pattern in PROBLEMS.values()), sample


# Screens, not documents: PDF templates (a folder named "pdf") and e-mails lay out for paper.
NOT_SCREENS = {"email", "pdf"}
TABLE_OR_REGION = re.compile(r"<table\b|\{% table_scroll\b[^%]*%\}|\{% endtable_scroll %\}")


def test_every_table_on_a_screen_scrolls_in_its_own_region():
    """WCAG 1.4.10: at 320 px only a table's own region scrolls sideways, never the page; so
    every table of a page sits in ``{% table_scroll %}`` (tests/browser/test_pages.py checks
    the widths), and a region with a literal id names the table by its caption."""
    found = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            if NOT_SCREENS & set(path.relative_to(directory).parts[:-1]):
                continue
            text = path.read_text(encoding="utf-8")
            open_region = None
            for match in TABLE_OR_REGION.finditer(text):
                token = match.group(0)
                if token.startswith("{% table_scroll"):
                    open_region = token
                elif token.startswith("{% endtable_scroll"):
                    open_region = None
                elif open_region is None:
                    found.append(f"{path.relative_to(directory)}: a table outside table_scroll")
                else:
                    literal = re.fullmatch(r'\{% table_scroll "([^"]+)" %\}', open_region)
                    caption = re.match(r"<table\b[^>]*>\s*<caption\b[^>]*>", text[match.start() :])
                    if literal and not (caption and f'id="{literal.group(1)}"' in caption.group(0)):
                        found.append(
                            f"{path.relative_to(directory)}: {literal.group(1)} is not the "
                            "caption's id"
                        )
    assert found == []
