"""The job page in a real browser at 1280 px and 390 px: the page is never wider than the
window, the table scrolls inside its own box, the candidate column stays put, and every
header cell can be scrolled into view without being covered. Also filters and the CSV link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.accessibility import DESKTOP, PHONE, screenshot
from tests.browser import LiveServer
from tests.plugin.home.scenario import arrange_home, sign_in_page

Token = Callable[..., str]

# For each header cell: scroll the box so the cell starts just right of the sticky column,
# then ask what is drawn at the cell's middle. Returns the cells that could not be seen.
UNREACHABLE_HEADERS = """
() => {
  const box = document.querySelector('.compare-scroll');
  const sticky = box.querySelector('thead th.sticky-col');
  const hidden = [];
  for (const th of box.querySelectorAll('thead th')) {
    if (th === sticky) continue;
    box.scrollLeft = th.offsetLeft - sticky.offsetWidth;
    const cell = th.getBoundingClientRect(), frame = box.getBoundingClientRect();
    const x = Math.min(cell.left + cell.width / 2, frame.right - 2), y = cell.top + cell.height / 2;
    const drawn = document.elementFromPoint(x, y);
    const clear = cell.left >= sticky.getBoundingClientRect().right - 1;
    const seen = drawn && th.contains(drawn) && clear;
    if (!seen) hidden.push(th.innerText.trim());
  }
  return hidden;
}
"""
PAGE_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
BOX = (
    "() => { const b = document.querySelector('.compare-scroll');"
    " return [b.scrollWidth, b.clientWidth]; }"
)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_every_column_is_reachable_and_the_page_fits(
    viewport: dict[str, int], page: Any, live_server: LiveServer, db: Session, make_token: Token
) -> None:
    arrange_home(db)
    page.set_viewport_size(viewport)
    token = make_token("hiring_manager", "3485")
    sign_in_page(page, live_server.url, token, "/review/jobs/greenhouse/3485")
    expect(page.locator("table#compare tbody tr")).to_have_count(3)

    page_width, window = page.evaluate(PAGE_WIDTH)
    assert page_width <= window, f"the page is {page_width} px wide in a {window} px window"
    table_width, box_width = page.evaluate(BOX)
    assert table_width > box_width  # many competencies: the table scrolls, inside its box
    screenshot(page, f"job-{viewport['width']}", full_page=False)

    headers = page.locator("table#compare thead th")
    assert headers.count() > 10
    assert page.evaluate(UNREACHABLE_HEADERS) == []
    # Scrolled to the far right, the candidate column is still there, and the page did not move.
    sticky = page.locator("table#compare tbody th.sticky-col").first
    box = sticky.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    drawn = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('th')?.className",
        [box["x"] + 5, box["y"] + box["height"] / 2],
    )
    assert drawn == "sticky-col"
    assert page.evaluate("() => window.scrollX") == 0
    assert page.evaluate(PAGE_WIDTH)[0] <= window


@pytest.mark.browser
def test_filters_and_csv_in_the_browser(
    page: Any, live_server: LiveServer, db: Session, make_token: Token
) -> None:
    home = arrange_home(db)
    home.hired.current_stage_name = "Offer"
    db.commit()
    sign_in_page(page, live_server.url, make_token("recruiter"), "/review/jobs/greenhouse/3485")
    page.select_option("#filter-recommendation", "yes")
    page.select_option("#filter-stage", "Onsite")
    page.click("#filters button[type=submit]")
    names = page.locator("table#compare tbody th a")
    expect(names).to_have_text(["Ada Lovelace", "Amy Complete"])
    with page.expect_download() as download_info:
        page.click("#csv-export")
    download = download_info.value
    assert download.suggested_filename == "senior-pm-payments-candidates.csv"
    with open(download.path(), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert len(lines) == 3 and lines[1].startswith("Ada Lovelace,")
