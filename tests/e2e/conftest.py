"""Browser journeys: Playwright for Python driving Debian's `chromium` (never a
downloaded browser), one browser per test session, a new context per test.

Playwright's sync API runs an event loop in this thread, so Django refuses ORM calls
from it unless DJANGO_ALLOW_ASYNC_UNSAFE is set: the tests set it, as Django's own
docs advise for this case. Screenshots go to var/e2e-artefacts/.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "e2e-artefacts"
WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # only while browsers run
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(params=list(WIDTHS))
def width(request):
    return request.param


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.ALLOWED_HOSTS = ["*"]
    return live_server.url


def open_page(browser, width, javascript=True):
    context = browser.new_context(
        viewport={"width": WIDTHS[width], "height": 900},
        java_script_enabled=javascript,
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Anything the Content-Security-Policy blocks, and any script error, fails the
    # journey at its next check.
    page.problems = []
    page.on(
        "console",
        lambda message: (
            page.problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return context, page


@pytest.fixture
def page(browser, width, site):
    context, page = open_page(browser, width)
    yield page
    context.close()


def sign_in(page, site, email, next_url=""):
    """The log-in form, filled and sent as a person would."""
    from tests.factories import PASSWORD

    page.goto(site + "/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def shot(page, name):
    """Save a full-page screenshot as a test artefact."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    page.screenshot(path=str(ARTEFACTS / f"{safe}.png"), full_page=True)


def accessible(page, name):
    """axe-core on the page as it is: no serious or critical violation; and nothing
    blocked by the Content-Security-Policy or broken in a script so far."""
    from axe_playwright_python.sync_playwright import Axe

    assert not getattr(page, "problems", []), f"{name}: {page.problems}"

    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{name}: {bad}"
