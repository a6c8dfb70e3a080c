"""The dashboard's main page in a real browser over the sample store: map, filters in the URL, timeline brush,
the map-area filter, the table's paging, a phone-width layout and the keyboard.

Every expectation is read from the API of the same server (what the page should show), never written down.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections import Counter
from datetime import date

import pytest

from eventwire.options import period_end, period_start

LOADED = "Number(document.body.dataset.loads || 0) > {n} && document.body.dataset.busy === '0'"
# Events on the map that the browser draws: single circles plus the counts written on the clusters.
MARKERS_SHOWN = """() => document.querySelectorAll('#map path.event-marker').length
  + [...document.querySelectorAll('#map .event-cluster')].reduce((n, c) => n + Number(c.textContent.trim()), 0)"""


def api(server: str, path: str, **params: str) -> dict:
    with urllib.request.urlopen(f"{server}{path}?{urllib.parse.urlencode(params)}") as r:
        return json.load(r)


def api_events(server: str, **filters: str) -> list[dict]:
    """Every fused event matching ``filters``, newest first, as GET /api/events pages them."""
    items, cursor = [], None
    while True:
        page = api(server, "/api/events", **filters, limit=1000, **({"cursor": cursor} if cursor else {}))
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def located(events: list[dict]) -> int:
    return sum(1 for ev in events if ev["location"])


def loads(page) -> int:
    return int(page.evaluate("Number(document.body.dataset.loads || 0)"))


def wait_loaded(page, after: int = 0) -> None:
    """Wait until the page has finished a load of its views after the ``after``-th one."""
    page.wait_for_function(LOADED.format(n=after), timeout=30000)


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query).items()}


def row_ids(page) -> list[str]:
    return page.eval_on_selector_all("#events-table tbody tr[data-id]", "rows => rows.map(r => r.dataset.id)")


def open_main(page, path: str = "/") -> None:
    page.goto(path)
    wait_loaded(page)


def test_map_shows_every_located_event_and_the_table_lists_them(page, server):
    events = api_events(server)
    assert len(events) > 10 and located(events) > 10  # the sample store spans several countries and types
    open_main(page)
    assert page.locator("#map .event-cluster, #map path.event-marker").count() > 0
    # Fitted to the events on load, every located event is on the map, in a cluster or on its own.
    assert page.evaluate(MARKERS_SHOWN) == located(events)
    assert page.locator("#map path.country").count() > 100  # the offline outlines under them
    assert row_ids(page) == [ev["id"] for ev in events][:50]  # newest first, the API's first page
    assert f"{len(events)} events match" in page.locator("#summary").inner_text()
    first = events[0]
    assert page.locator("#events-table tbody tr").first.locator("a").get_attribute("href") == f"/events/{first['id']}"
    # A marker's popup names its event's type and links to the event's page.
    page.locator("#map path.event-marker").first.click()
    link = page.locator(".leaflet-popup .popup a")
    link.wait_for()
    by_id = {ev["id"]: ev for ev in events}
    shown = by_id[link.get_attribute("href").removeprefix("/events/")]
    assert page.locator(".leaflet-popup strong").inner_text() == shown["event_type"]


def test_type_filter_changes_map_table_and_url_and_survives_reload_and_back(page, server):
    events = api_events(server)
    # The commonest type that is not every event, so the filter must narrow the views.
    etype, n = next((t, c) for t, c in Counter(ev["event_type"] for ev in events).most_common() if c < len(events))
    expected = api_events(server, type=etype)
    assert len(expected) == n
    open_main(page)
    before = loads(page)
    page.select_option("#f-type", etype)
    wait_loaded(page, before)

    assert query(page) == {"type": etype}
    assert page.evaluate(MARKERS_SHOWN) == located(expected) < located(events)
    assert row_ids(page) == [ev["id"] for ev in expected][:50]
    assert set(page.locator("#events-table td.type").all_inner_texts()) == {etype}
    assert page.locator("#legend button[aria-pressed='true']").inner_text() == etype

    page.reload()
    wait_loaded(page)
    assert page.locator("#f-type").input_value() == etype
    assert row_ids(page) == [ev["id"] for ev in expected][:50]
    assert page.evaluate(MARKERS_SHOWN) == located(expected)

    before = loads(page)
    page.go_back()
    wait_loaded(page, before)
    assert query(page) == {}
    assert page.locator("#f-type").input_value() == ""
    assert row_ids(page) == [ev["id"] for ev in events][:50]


def test_country_and_actor_filters_combine_and_an_empty_result_says_so(page, server):
    events = api_events(server)
    country, _n = Counter(ev["location"]["country"] for ev in events if ev["location"]).most_common(1)[0]
    in_country = api_events(server, country=country)
    actor = next(ev["actor1"] for ev in in_country if ev["actor1"])
    word = actor.split()[0]  # the API matches a part of an actor's name
    expected = api_events(server, country=country, actor=word)
    assert 0 < len(expected) <= len(in_country) < len(events)
    open_main(page)
    before = loads(page)
    page.select_option("#f-country", country)
    wait_loaded(page, before)
    assert row_ids(page) == [ev["id"] for ev in in_country][:50]
    before = loads(page)
    page.fill("#f-actor", word)
    page.press("#f-actor", "Enter")
    wait_loaded(page, before)
    assert query(page) == {"country": country, "actor": word}
    assert row_ids(page) == [ev["id"] for ev in expected][:50]
    assert page.evaluate(MARKERS_SHOWN) == located(expected)

    before = loads(page)
    page.fill("#f-text", "zzzqxv")  # a word no article holds
    page.press("#f-text", "Enter")
    wait_loaded(page, before)
    assert api_events(server, country=country, actor=word, text="zzzqxv") == []
    assert row_ids(page) == [] and page.evaluate(MARKERS_SHOWN) == 0
    assert page.locator("#events-table tbody").inner_text().strip() == "No events match these filters."
    assert page.locator("#summary").inner_text().startswith("0 events match")


def _overlaps(value: str, since: str, until: str) -> bool:
    """Whether the (day, month or year) date ``value`` falls in since..until."""
    return period_start(value) <= date.fromisoformat(until) and period_end(value) >= date.fromisoformat(since)


def test_brushing_the_timeline_filters_table_map_and_url(page, server):
    events = api_events(server)
    open_main(page)
    box = page.locator("#timeline .brush .overlay").bounding_box()
    assert box and box["width"] > 200
    before = loads(page)
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.6, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.98, y, steps=8)
    page.mouse.up()
    wait_loaded(page, before)

    q = query(page)
    assert set(q) == {"since", "until"}
    since, until = q["since"], q["until"]
    assert date.fromisoformat(since) < date.fromisoformat(until)
    expected = api_events(server, since=since, until=until)
    assert 0 < len(expected) < len(events)
    assert row_ids(page) == [ev["id"] for ev in expected][:50]
    dates = page.eval_on_selector_all("#events-table tbody tr[data-id]", "rows => rows.map(r => r.dataset.date)")
    assert dates and all(d and _overlaps(d, since, until) for d in dates), (since, until, dates)
    assert page.evaluate(MARKERS_SHOWN) == located(expected)
    # The date inputs show the brushed period, and the brush stays drawn.
    assert (page.locator("#f-since").input_value(), page.locator("#f-until").input_value()) == (since, until)
    assert page.locator("#timeline .brush .selection").evaluate("s => Number(s.getAttribute('width'))") > 10


def test_filter_to_map_view_narrows_table_and_timeline(page, server):
    events = api_events(server)
    open_main(page)
    page.locator("#map").focus()
    for _ in range(2):
        page.keyboard.press("Equal")  # Leaflet's keyboard zoom in ("+" / "=")
        page.wait_for_timeout(400)
    before = loads(page)
    page.click("#map-filter")
    wait_loaded(page, before)

    bbox = query(page)["bbox"]
    w, s, e, n = map(float, bbox.split(","))
    expected = api_events(server, bbox=bbox)
    assert 0 < len(expected) < len(events)
    assert all(w <= ev["location"]["lon"] <= e and s <= ev["location"]["lat"] <= n for ev in expected)
    assert row_ids(page) == [ev["id"] for ev in expected][:50]
    # The timeline counts the events in the area too: its bars add up to the API's count for that bbox.
    bars = page.eval_on_selector_all("#timeline rect title", "ts => ts.map(t => t.textContent)")
    by = bars[0].split("(")[1].split(")")[0]  # "2022-05-01 (month): 2 Battles"
    agg = api(server, "/api/aggregates", bbox=bbox, by=by, group="event_type")
    in_area = sum(b["count"] for b in agg["buckets"])
    assert sum(int(t.split(": ")[1].split(" ")[0]) for t in bars) == in_area
    assert in_area < sum(b["count"] for b in api(server, "/api/aggregates", by=by)["buckets"])
    assert page.locator("#map-filter").get_attribute("aria-pressed") == "true"
    assert page.locator("#map path.bbox").count() == 1  # the area drawn on the map

    page.reload()  # a shared map area: same events, the area drawn, a chip to remove it
    wait_loaded(page)
    assert query(page)["bbox"] == bbox
    assert row_ids(page) == [ev["id"] for ev in expected][:50]
    assert page.locator("#map path.bbox").count() == 1
    assert page.locator("#chips li").inner_text().startswith("Map area")

    before = loads(page)
    page.click("#map-filter")  # now "Clear map-area filter"
    wait_loaded(page, before)
    assert "bbox" not in query(page)
    assert len(row_ids(page)) == min(50, len(events))


def test_load_more_follows_next_cursor_to_the_end(page, server):
    events = api_events(server)
    # Smaller pages than the page asks for, so the sample store needs several; the API pages for real.
    page.route("**/api/events?*limit=50*",
               lambda route: route.continue_(url=route.request.url.replace("limit=50", "limit=10")))
    open_main(page)
    assert len(row_ids(page)) == 10
    more = page.locator("#more")
    while more.is_visible():
        shown = len(row_ids(page))
        more.click()
        page.wait_for_function(f"document.querySelectorAll('#events-table tbody tr[data-id]').length > {shown}")
    assert row_ids(page) == [ev["id"] for ev in events]  # all, in order, none twice
    assert page.locator("#table-count").inner_text().startswith(f"{len(events)} of {len(events)}")


def test_phone_width_has_no_horizontal_overflow_and_the_table_is_reachable(page, server):
    page.set_viewport_size({"width": 390, "height": 844})
    open_main(page)
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1] == 390
    map_box = page.locator("#map").bounding_box()
    table = page.locator("#events-table")
    assert table.bounding_box()["y"] > map_box["y"] + map_box["height"]  # stacked under the map
    table.scroll_into_view_if_needed()
    link = table.locator("tbody tr a").first
    assert link.is_visible()
    link_box = link.bounding_box()
    assert link_box["y"] + link_box["height"] <= 844 and link_box["x"] + link_box["width"] <= 390
    for control in ("#f-since", "#f-type", "#f-text"):
        box = page.locator(control).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_keyboard_reaches_the_filters_then_the_table(page, server):
    open_main(page)
    seen: list[str] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const a = document.activeElement;
            return a.closest('#events-table tbody') ? 'table-link' : (a.id || a.name || a.tagName); }""")
        if not seen or seen[-1] != focused:
            seen.append(focused)
        if focused == "table-link":
            break
    controls = ["f-since", "f-until", "f-type", "f-actor", "f-country", "f-modality", "f-text"]
    assert [c for c in seen if c in controls] == controls, seen
    assert seen[-1] == "table-link", seen
    # Focus is visible: the focused link has an outline.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"

    # The date inputs are the brush's keyboard alternative: typing a period moves the brush and filters.
    page.locator("#f-since").focus()
    before, entries = loads(page), page.evaluate("history.length")
    page.keyboard.type("01012022", delay=30)  # mm dd yyyy, Chromium's en-US date field
    wait_loaded(page, before)
    assert query(page) == {"since": "2022-01-01"}
    assert page.evaluate("history.length") == entries + 1  # one typed date, one step back
    assert page.locator("#timeline .brush .selection").evaluate("s => Number(s.getAttribute('width'))") > 10


@pytest.mark.parametrize("bad", ["type=Picnics", "since=2024-13"])
def test_a_bad_filter_in_the_url_is_the_api_message_not_a_broken_page(page, bad):
    page.goto("/?" + bad)
    wait_loaded(page)
    error = page.locator("#error")
    assert error.is_visible()
    assert error.inner_text().startswith(bad.split("=")[0] + ":")
