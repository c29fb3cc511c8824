"""Every page, in Swedish and in English, as someone allowed to see it: axe finds nothing, the
Content-Security-Policy is never violated, and a screenshot is kept."""

import pytest
from django.utils import translation

from tests.browser.harness import NARROW
from tests.matrix import SUBJECTS, build_world
from tests.test_access_matrix import MATRIX

pytestmark = pytest.mark.django_db(transaction=True)

# Who looks at each page: the first subject in this order that may see it.
PREFERRED = ["fund_admin", "city_director", "applicant", "anonymous", *SUBJECTS]


def pages():
    for row in MATRIX:
        if row.method != "GET" or not row.html:
            continue
        allowed = dict(zip(SUBJECTS, row.expected, strict=True))
        subject = next(s for s in PREFERRED if allowed[s] == 200)
        yield row, subject


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_page(visitor, language):
    world = build_world()
    browsers = {}
    seen = []
    for row, subject in pages():
        if subject not in browsers:
            browsers[subject] = visitor(subject, language, narrow=True)
            if subject != "anonymous":
                world.people[subject].language = language
                world.people[subject].save(update_fields=["language"])
                browsers[subject].login_as(world.people[subject])
        browser = browsers[subject]
        browser.goto(row.path(world), f"{row.name}-{language}")
        assert browser.page.locator("html").get_attribute("lang") == language, row.name
        seen.append(row.name)
    assert len(seen) >= 25


@pytest.mark.parametrize("language", ["sv", "en"])
def test_error_pages_and_refused_forms(visitor, language):
    world = build_world()
    admin = world.people["fund_admin"]
    admin.language = language
    admin.save(update_fields=["language"])
    browser = visitor("fund_admin", language, narrow=True)
    browser.login_as(admin)
    browser.goto("/users/999999/", f"404-{language}", expect_status=404)
    # A POST-only address opened as a page: the site's own page, in the reader's language.
    password_reset = f"/users/{world.people['applicant'].pk}/password-reset/"
    browser.goto(password_reset, f"405-{language}", expect_status=405)
    with translation.override(language):
        assert browser.page.locator("h1").inner_text() == translation.gettext(
            "This address is not a page"
        )
    applicant = visitor("applicant", language, narrow=True)
    world.people["applicant"].language = language
    world.people["applicant"].save(update_fields=["language"])
    applicant.login_as(world.people["applicant"])
    applicant.goto("/users/", f"403-{language}", expect_status=403)
    # A refused form: the summary lists the problems with links to the fields.
    browser.goto("/users/invite/", f"invite-{language}")
    browser.page.locator("#id_email").fill("inte en adress")
    browser.submit(f"invite-refused-{language}")
    summary = browser.page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert browser.page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    with translation.override(language):
        assert summary.locator("a[href='#id_full_name']").count() == 1
    anonymous = visitor("anonymous", language, narrow=True)
    anonymous.goto("/accessibility/", f"accessibility-{language}")
    anonymous.submit(f"accessibility-refused-{language}")
    assert anonymous.page.locator("[data-error-summary]").is_visible()


def test_a_wide_table_scrolls_in_its_own_region_from_the_keyboard(visitor):
    """At 320 px the page stays put while the applications table scrolls inside its region,
    which is named by the table's caption, takes focus, shows it and scrolls with the arrows."""
    world = build_world()
    browser = visitor("fund_admin", "sv", narrow=True)
    browser.login_as(world.people["fund_admin"])
    browser.goto("/applications/", "applications")
    page = browser.page
    page.set_viewport_size(NARROW)
    region = page.locator(".table-scroll").first
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("tabindex") == "0"
    caption = page.locator(f"#{region.get_attribute('aria-labelledby')}")
    assert caption.evaluate("c => c.tagName") == "CAPTION"
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") == 320
    page.keyboard.press("Tab")  # keyboard modality: focus shows as it would for a Tab user
    region.focus()
    assert region.evaluate("r => r.matches(':focus-visible')")
    assert region.evaluate("r => getComputedStyle(r).outlineStyle") == "solid"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle())
    assert page.evaluate("window.scrollX") == 0
    browser.screenshot("applications-320px-region-focused")
