"""Browser tests: Playwright driving Debian's Chromium against the live server.

Every page a test visits through ``Visitor.goto``/``Visitor.submit``/``Visitor.check`` is
- checked with axe-core (WCAG 2.1 A and AA, plus best practice): any violation fails the test;
- checked for Content-Security-Policy violations: the live server sends the production policy
  and the browser enforces it (axe is injected as an init script, which the policy does not
  govern, so nothing has to be bypassed); any violation fails the test;
- saved as a full-page screenshot in ``artifacts/screenshots/<test>/`` for people to look at;
- for a narrow Visitor (the page walk), also at 640 and 320 px wide (1280 px at 200 and 400 %
  zoom): the document is no wider than the viewport, nothing outside a table's own scroll
  region sticks out or is clipped (WCAG 1.4.10); at 320 px axe finds nothing, and a second
  screenshot is kept.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--lang=sv-SE",  # the users' browsers: date fields show 2026-11-22
]
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
# Wide: a laptop. Zoomed: the laptop at 200 %. Narrow: at 400 %, the width WCAG 1.4.10
# (reflow) asks for.
WIDE = {"width": 1280, "height": 900}
ZOOMED = {"width": 640, "height": 450}
NARROW = {"width": 320, "height": 640}

# What sticks out of the viewport at the current width, outside a table's own scroll region
# (.table-scroll): the document must not scroll sideways, and no text may be clipped.
_OVERFLOW = """
() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + [...el.classList].join(".") : "");
  const problems = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(".table-scroll, dialog:not([open])")) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right > width + 1 || box.left < -1) {
      problems.push(`${name(el)} spans ${Math.round(box.left)}-${Math.round(box.right)} px`);
    } else if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 1 &&
               !["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName) &&
               ["hidden", "clip"].includes(getComputedStyle(el).overflowX)) {
      problems.push(`${name(el)} clips ${el.scrollWidth - el.clientWidth} px of its content`);
    }
  }
  return {scrollWidth: root.scrollWidth, width: width, problems: problems.slice(0, 8)};
}
"""

_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`
  );
});
"""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "page"


class Visitor:
    """One person's browser (a context of their own) on the live server."""

    def __init__(
        self,
        browser,
        base_url: str,
        test_name: str,
        who: str = "",
        language="sv",
        counter=None,
        *,
        narrow: bool = False,
    ):
        self.base_url = base_url.rstrip("/")
        self.context = browser.new_context(
            locale="sv-SE" if language == "sv" else "en-GB", viewport=WIDE
        )
        # Also check every page at 320 px: nothing scrolls sideways, axe finds nothing.
        self.narrow = narrow
        self.context.add_init_script(path=str(AXE_SCRIPT))
        self.context.add_init_script(script=_CSP_LISTENER)
        if language != "sv":
            self.context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": self.base_url}]
            )
        self.page = self.context.new_page()
        self.console_csp: list[str] = []
        self.page_errors: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.folder = SCREENSHOTS / _slug(test_name)
        self.who = who
        # Shared by every Visitor of a test, so that screenshots sort in the order taken.
        self.counter = counter if counter is not None else [0]
        self.checked: list[str] = []
        self.closed = False

    def _on_console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console_csp.append(text)

    # --- navigation ---------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def goto(self, path: str, label: str | None = None, *, expect_status: int | None = 200):
        response = self.page.goto(self.url(path))
        if expect_status is not None:
            assert response is not None
            assert response.status == expect_status, f"{path}: HTTP {response.status}"
        self.check(label or path)
        return response

    def submit(self, label: str, button: str | None = None):
        """Click the form's submit button (or the named one), wait for the next page, check it."""
        locator = (
            self.page.get_by_role("button", name=button, exact=True)
            if button
            else self.page.locator("main form[method=post] button[type=submit]").first
        )
        with self.page.expect_navigation():
            locator.click()
        self.check(label)

    # --- checks -------------------------------------------------------------------------------

    def check(self, label: str) -> None:
        """Run axe and the CSP check on the current state of the page, and save a screenshot;
        for a narrow Visitor, at 640 and 320 px too, where nothing may stick out sideways."""
        self.page.wait_for_load_state("load")
        self.check_axe(label)
        if self.narrow:
            self.page.set_viewport_size(ZOOMED)
            try:
                self.check_reflow(label)
                self.page.set_viewport_size(NARROW)
                self.check_reflow(label)
                self.check_axe(f"{label}-320px")
            finally:
                self.page.set_viewport_size(WIDE)
        self.assert_no_csp_violations(label)

    def check_reflow(self, label: str) -> None:
        """At the current (narrow) width the document is as wide as the viewport: only a
        table's own scroll region may scroll sideways (WCAG 1.4.10)."""
        found = self.page.evaluate(_OVERFLOW)
        where = f"{label!r} ({self.page.url}) at {found['width']} px"
        assert found["scrollWidth"] <= found["width"], (
            f"{where}: the document is {found['scrollWidth']} px wide; "
            + "; ".join(found["problems"])
        )
        assert not found["problems"], f"{where}: " + "; ".join(found["problems"])

    def check_axe(self, label: str) -> None:
        result = self.page.evaluate(
            "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', "
            "values: tags}, resultTypes: ['violations']}); return r.violations.map(v => ({id: "
            "v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))"
            "})); }",
            AXE_TAGS,
        )
        self.screenshot(label)
        self.checked.append(label)
        assert result == [], f"axe found violations on {label!r} ({self.page.url}):\n" + (
            json.dumps(result, indent=2, ensure_ascii=False)
        )

    def assert_no_csp_violations(self, label: str = "") -> None:
        in_page = self.page.evaluate("window.__cspViolations || []")
        problems = [*in_page, *self.console_csp]
        assert not problems, f"CSP violated on {label!r} ({self.page.url}): {problems}"
        assert not self.page_errors, f"JavaScript errors on {label!r}: {self.page_errors}"

    def screenshot(self, label: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.counter[0] += 1
        name = f"{self.counter[0]:03d}-{_slug(self.who)}-{_slug(label)}.png".replace("--", "-")
        path = self.folder / name
        self.page.screenshot(path=str(path), full_page=True)
        return path

    # --- people -------------------------------------------------------------------------------

    def login(self, email: str, password: str, *, expect_start: bool = True) -> None:
        self.goto("/accounts/login/", "login")
        self.page.locator("#id_username").fill(email)
        self.page.locator("#id_password").fill(password)
        self.submit("after login")
        if expect_start:
            assert self.page.url.rstrip("/") == self.base_url, self.page.url

    def login_as(self, user) -> None:
        """Start a session for ``user`` without the login form (for tests about other pages)."""
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "core.backends.PersonBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.session_key,
                    "url": self.base_url,
                }
            ]
        )

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.assert_no_csp_violations("at the end")
        self.context.close()
