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
