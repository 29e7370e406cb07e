"""Legible at a glance, in Chromium: the donor's heat maps keep their headers in view while they
scroll, the trend charts are readable on a laptop and on a phone, the published reports page
and search; the administrator ends an account's sessions at once and is asked for an agency
only for an official; the Spanish language switcher stays on one line. Axe checks each page."""

from __future__ import annotations

import os
import re

import pytest

from tests.browser.test_browser import sign_in
from tests.browser.wizard import check_accessibility, go, shoot


@pytest.fixture(scope="module")
def demo(live_server):
    """The demo portfolio, in the database the served app uses."""
    from sqlalchemy import select

    from webapp import create_app
    from webapp import demo as demo_data
    from webapp.core.db import db
    from webapp.core.models import User

    instance = os.environ["TNA_INSTANCE"]
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/live.sqlite3", "SECRET_KEY": "browser-tests"})
    with app.app_context():
        if not demo_data.already_there():
            reviewer = db.session.scalar(select(User).where(User.email == "ta@example.org"))
            demo_data.seed(app.extensions["tna.questionnaire"], app.extensions["tna.catalogue"], reviewer)
    return live_server


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_the_heat_maps_keep_their_headers_in_view_and_have_a_legend(new_context, demo):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, "donor")
    page.goto("/portfolio/")
    legend = page.locator(".heat-legend").first
    assert legend.is_visible() and "0 None" in legend.inner_text() and "4 Advanced" in legend.inner_text()
    region = page.locator("#by-type")
    assert page.evaluate("getComputedStyle(document.querySelector('#by-type thead th')).position") == "sticky"
    # Scrolled sideways with the keyboard, the section names stay where they were.
    wide = page.evaluate("(e => [e.scrollWidth, e.clientWidth])(document.querySelector('#by-type'))")
    assert wide[0] > wide[1], f"the demo's table by agency type is wider than its region: {wide}"
    first_column = _box(page, "#by-type tbody th")
    region.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    # Chromium scrolls smoothly, over a few frames: wait until it has moved and then stays put
    # from one frame to the next (the function runs once per animation frame) before measuring.
    page.wait_for_function(
        "() => { const left = document.querySelector('#by-type').scrollLeft;"
        " const settled = left > 0 && left === window.lastLeft; window.lastLeft = left; return settled; }",
        timeout=5000,
    )
    assert abs(_box(page, "#by-type tbody th")["x"] - first_column["x"]) < 1
    # Scrolled down inside the table, the header row stays at its top.
    header = _box(page, "#by-type thead th:nth-child(2)")
    page.evaluate("document.querySelector('#by-type').scrollTop = 200")
    assert page.evaluate("document.querySelector('#by-type').scrollTop") > 0
    assert abs(_box(page, "#by-type thead th:nth-child(2)")["y"] - header["y"]) < 1
    assert "scrolls sideways" in page.inner_text("#scroll-by-type")
    check_accessibility(page, "portfolio with the demo data")
    shoot(page, "portfolio-demo")
    # The country filter offers the countries with data, not every State.
    countries = page.locator("#p-country option").all_inner_texts()
    heat_countries = page.locator("#by-country thead th").all_inner_texts()[1:]
    assert 3 <= len(countries) - 1 <= 20 and set(heat_countries) <= set(countries)


@pytest.mark.parametrize("width", [375, 1280])
def test_the_trend_charts_are_readable(new_context, demo, width):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, "donor")
    page.goto("/portfolio/#trends")
    charts = page.locator(".trend svg")
    assert charts.count() > 5
    chart = charts.first.bounding_box()
    assert chart["width"] >= min(300, width - 40), chart
    # Years and values are drawn at about 13 pixels or more, whatever the width.
    years = page.locator(".trend-year").first.bounding_box()
    values = page.locator(".trend-value").first.bounding_box()
    assert years["height"] >= 11 and values["height"] >= 12, (years, values)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_the_published_reports_are_paginated_and_searched_with_the_keyboard(new_context, demo):
    page = new_context().new_page()
    sign_in(page, "donor")
    page.goto("/portfolio/")
    count = page.inner_text("#reports-count")
    assert re.search(r"\d+ reports: 1 to 20 shown, page 1 of \d+\.", count), count
    assert page.locator("#published-reports tbody tr").count() == 20
    go(page, "nav.pagination >> text=Next page")
    assert "21 to" in page.inner_text("#reports-count") and "page=2" in page.url
    first_on_two = page.inner_text("#published-reports tbody tr >> nth=0")
    page.fill("#p-q", "ghana")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    rows = page.locator("#published-reports tbody tr").all_inner_texts()
    assert rows and all("Ghana" in row for row in rows), rows
    assert "matching “ghana”" in page.inner_text("#reports-count") and first_on_two not in rows
    check_accessibility(page, "portfolio searched")
    go(page, "text=Clear the search")
    assert "page 1 of" in page.inner_text("#reports-count")


def test_an_administrator_ends_access_at_once(new_context, live_server):
    admin = new_context().new_page()
    sign_in(admin, "admin")
    admin.goto("/admin/users")
    # Only an official is asked for an agency: the field goes when another role is chosen.
    assert admin.locator("#agency").is_visible()
    admin.select_option("#role", "donor")
    assert not admin.locator("#agency").is_visible()
    admin.select_option("#role", "official")
    assert admin.locator("#agency").is_visible()
    admin.select_option("#role", "donor")
    check_accessibility(admin, "people and invitations")
    admin.fill("#name", "Vera Visitor")
    admin.fill("#email", "vera@demo.test")  # the demo's own kind of address works here
    go(admin, "text=Create invitation")
    link = admin.inner_text(".notice .resume-link")
    assert "/invitation/" in link and "7 days" in " ".join(admin.locator(".notice").all_inner_texts())

    vera = new_context().new_page()
    vera.goto(link)
    assert "This link works once, until" in vera.inner_text("main")
    check_accessibility(vera, "set your password")
    vera.fill("#password", "a long walk by the quiet river")
    vera.fill("#confirm", "a long walk by the quiet river")
    go(vera, "main button[type=submit]")
    vera.goto("/portfolio/")
    assert "/portfolio/" in vera.url

    go(admin, "#people a:has-text('Vera Visitor')")
    assert "Active" in admin.inner_text("#account-state")
    check_accessibility(admin, "a person's page")
    shoot(admin, "admin-person")
    go(admin, "text=Deactivate the account")
    assert "Deactivated" in admin.inner_text("#account-state")
    vera.goto("/portfolio/")
    assert "/sign-in" in vera.url, "the session Vera had is over"
    go(admin, "text=Make the account active again")
    assert "Active" in admin.inner_text("#account-state")


@pytest.mark.parametrize("width", [320, 768, 1280])
def test_the_spanish_language_switcher_stays_on_one_line(new_context, live_server, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    page.goto("/language/es?next=/")
    sign_in(page, "admin")  # the longest header: a name and "Cerrar sesión" beside the languages
    page.goto("/admin/users")
    assert page.locator("html").get_attribute("lang") == "es"
    tops = {round(page.locator(f".languages a[lang={code}]").bounding_box()["y"]) for code in ("en", "fr", "es")}
    assert len(tops) == 1, tops
    heights = {round(page.locator(f".languages a[lang={code}]").bounding_box()["height"]) for code in ("en", "fr", "es")}
    assert max(heights) < 40, heights  # no name wraps inside its own link
    if width >= 1024:  # on a laptop, on the same row as the account links, as in English
        assert abs(page.locator(".account a").first.bounding_box()["y"] - tops.pop()) < 4
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
