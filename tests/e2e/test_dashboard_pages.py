"""The event, latest-news and article pages in a real browser over a real `eventwire serve` (issue 11).

Which event, article and search word to use is found from the API at run time, never written here.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import pytest

READY = "body[data-ready='1']"


def api(server: str, path: str, **params) -> dict:
    url = server + path + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


def groups(reports: list[dict]) -> list[list[dict]]:
    """Reports by article, in the order the record gives them (the page shows one card per article)."""
    out: dict[str, list[dict]] = {}
    for r in reports:
        out.setdefault(r["article_id"], []).append(r)
    return list(out.values())


@pytest.fixture(scope="module")
def disputed_event(server) -> dict:
    """The fused event of several articles whose sources give the most different death tolls."""
    details = [api(server, f"/api/events/{e['id']}") for e in api(server, "/api/events", limit=1000)["items"]
               if e["articles"] > 1]
    ev = max(details, key=lambda d: (len({f["fatalities"] for f in d["fatalities_by_source"]}), d["articles"]))
    assert len({f["fatalities"] for f in ev["fatalities_by_source"]}) > 1, "fusion-dev has sources that disagree"
    return ev


def test_event_page_lists_every_report_with_outlet_sentence_and_fatalities_per_source(page, server, disputed_event):
    ev = disputed_event
    page.goto(f"/events/{ev['id']}")
    page.wait_for_selector(READY)
    assert ev["location"]["name"] in page.locator("h1").inner_text()
    cards = page.locator(".report-card")
    by_article = groups(ev["reports"])
    assert cards.count() == len(by_article) > 1
    in_context = 0
    for i, rs in enumerate(by_article):
        card, lead = cards.nth(i), next(r for r in rs if r["lead"])
        assert card.locator(".outlet").inner_text().startswith(lead["site"] or "Outlet not named")
        link = card.locator("a.title")
        assert link.inner_text() == lead["title"]
        assert link.get_attribute("href") == f"/articles/{lead['article_id']}#event-{lead['event_id']}"
        mark = card.locator(".report > blockquote mark.evidence").first
        assert mark.is_visible() and mark.inner_text() == lead["evidence"]
        quote = card.locator(".report > blockquote").first.inner_text()
        in_context += len(quote) > len(lead["evidence"]) + 20
        # The article's other sentences about the event are one click away.
        assert card.locator("details.also .report").count() == len(rs) - 1
    assert in_context > 0  # sentences are shown within their paragraph, not alone
    rows = page.locator("table.fatalities tbody tr")
    assert rows.count() == len(ev["fatalities_by_source"])
    figures = [int(rows.nth(i).locator("td.num strong").inner_text()) for i in range(rows.count())]
    assert figures == [f["fatalities"] for f in ev["fatalities_by_source"]]
    used = page.locator("table.fatalities tr.used td.num strong").all_inner_texts()
    assert used and {int(x) for x in used} == {ev["fatalities"]}
    rng = ev["fatalities_range"]
    assert f"sources say {rng[0]} to {rng[1]}" in page.locator(".facts").inner_text()
    assert page.locator("#h-why").is_visible() and page.locator("ul.merges li").count() > 0
    assert page.locator("#map path.leaflet-interactive, #map path").count() > 50  # the offline country outlines


def test_a_contested_event_shows_its_denials(page, server):
    contested = [api(server, f"/api/events/{e['id']}") for e in api(server, "/api/events", modality="denied")["items"]
                 if e["contested"]]
    ev = max(contested, key=lambda d: d["articles"])
    denied = [r["evidence"] for r in ev["reports"] if r["modality"] == "denied"]
    page.goto(f"/events/{ev['id']}")
    page.wait_for_selector(READY)
    assert page.locator(".badge-contested").first.is_visible()
    assert page.locator(".denial mark.evidence").all_inner_texts() == denied and denied
    # A report's link opens its article at that report's sentence, highlighted and in view.
    lead = next(r for r in ev["reports"] if r["lead"] and r["modality"] == "denied")
    page.locator(f".report-card a.title[href$='#event-{lead['event_id']}']").click()
    page.wait_for_url(re.compile(rf"/articles/{lead['article_id']}#event-"))
    page.wait_for_selector(READY)
    flashed = page.locator("mark.hl-event.flash")
    assert "".join(flashed.all_text_contents()) == lead["evidence"]
    assert flashed.first.is_visible() and flashed.first.evaluate("m => m === document.activeElement")


def _article_with_quotes(server) -> dict:
    for item in api(server, "/api/news", limit=1000)["items"]:
        rec = api(server, f"/api/articles/{item['id']}")
        if len(rec["quotes"]) > 1 and rec["events"] and rec["places"] and item["events"]:
            return rec
    raise AssertionError("no article with quotes, places and events in the store")


def _marked(page, layer: str) -> dict[str, str]:
    """The text each highlighted annotation of a layer covers (a highlight cut by another one is joined up)."""
    out: dict[str, str] = {}
    for ann, text in page.eval_on_selector_all(f"mark.hl-{layer}", "ms => ms.map(m => [m.dataset.ann, m.textContent])"):
        out[ann] = out.get(ann, "") + text
    return out


def test_article_page_highlights_its_quotes_on_demand_and_links_to_its_events(page, server):
    rec = _article_with_quotes(server)
    aid = rec["article"]["id"]
    page.goto(f"/articles/{aid}")
    page.wait_for_selector(READY)
    assert page.locator("h1").inner_text() == rec["article"]["title"]
    assert page.evaluate("document.getElementById('body').textContent") == rec["article"]["text"]
    assert page.locator("mark.hl-quote").count() == 0  # off until asked for
    evidence = {s["evidence"] for e in rec["events"] for s in e["sources"] if s["article_id"] == aid}
    assert set(_marked(page, "event").values()) == evidence  # event evidence is on at first

    page.get_by_role("checkbox", name=re.compile(r"^Quotes \(")).check()
    quotes = _marked(page, "quote")
    assert len(quotes) == len(rec["quotes"]) > 0
    assert [quotes[f"quote-{i}"] for i in range(len(rec["quotes"]))] == [q["text"] for q in rec["quotes"]]
    assert urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["show"] == ["event,quote"]

    # Keyboard: a toggle is a real checkbox, reached and switched with the keyboard.
    page.focus("#show-place")
    page.keyboard.press("Space")
    assert len(_marked(page, "place")) == len(rec["places"])
    page.focus("#show-place")
    page.keyboard.press("Space")
    assert page.locator("mark.hl-place").count() == 0

    targets = {f"/events/{e['fused_into'] or e['id']}" for e in rec["events"]}
    links = page.locator("a.event-link")
    assert {links.nth(i).get_attribute("href") for i in range(links.count())} == targets
    links.first.click()
    page.wait_for_url(re.compile(r"/events/"))
    page.wait_for_selector(READY)
    assert page.locator(f".report-card a.title[href^='/articles/{aid}']").count() == 1
    page.go_back()  # the screenshot: the article with its quotes highlighted
    page.wait_for_selector(READY)
    assert len(_marked(page, "quote")) == len(rec["quotes"])


def test_news_page_lists_articles_newest_first_and_search_narrows_the_list_and_the_url(page, server):
    everything = api(server, "/api/articles", limit=1000)["items"]
    page.goto("/news")
    page.wait_for_selector(READY)
    items = page.locator("ol.news > li")
    shown = [items.nth(i).get_attribute("data-id") for i in range(items.count())]
    assert shown == [a["id"] for a in everything[:20]]
    dates = [d for d in (items.nth(i).get_attribute("data-published") for i in range(items.count())) if d]
    assert dates == sorted(dates, reverse=True)
    first = everything[0]
    assert items.first.locator("h2 a").get_attribute("href") == f"/articles/{first['id']}"
    assert items.first.locator("h2").inner_text() == first["title"]
    if len(everything) > 20:
        page.get_by_role("button", name="Load more articles").click()
        page.wait_for_function("document.querySelectorAll('ol.news > li').length > 20")
        assert page.eval_on_selector_all("ol.news > li", "ls => ls.map(l => l.dataset.id)") == [
            a["id"] for a in everything[:40]]

    # A word from the titles that some articles hold and others do not.
    words = sorted({w for a in everything for w in re.findall(r"[A-Za-z]{6,}", a["title"] or "")})
    fewer = min(20, len(everything))
    found = ((w, api(server, "/api/articles", text=w, limit=20)["items"]) for w in words)
    word, hits = next((w, h) for w, h in found if 0 < len(h) < fewer)
    page.fill("#q", word)
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/news\?q="))
    page.wait_for_selector(READY)
    assert urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["q"] == [word]
    assert page.input_value("#q") == word
    assert page.eval_on_selector_all("ol.news > li", "ls => ls.map(l => l.dataset.id)") == [a["id"] for a in hits]
    assert word in page.locator("#status").inner_text()


def test_a_search_without_hits_and_missing_ids_say_so_in_one_line(page, server):
    page.goto("/news?q=zzqxjv")
    page.wait_for_selector(READY)
    assert page.locator("ol.news > li").count() == 0
    assert page.locator("#status").inner_text() == "No articles match “zzqxjv”."
    for path, says in (("/events/Fnope", "There is no event with the id “Fnope”."),
                       ("/articles/nope", "There is no article with the id “nope”.")):
        page.goto(path)
        page.wait_for_selector(READY)
        assert page.locator("main [role=alert]").inner_text() == says


def test_pages_fit_a_phone_and_show_where_the_keyboard_is(page, server, disputed_event):
    page.set_viewport_size({"width": 390, "height": 844})
    aid = disputed_event["reports"][0]["article_id"]
    for path in ("/news", f"/events/{disputed_event['id']}", f"/articles/{aid}"):
        page.goto(path)
        page.wait_for_selector(READY)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    # Tab from the top reaches the highlight toggles, and the focused one is outlined.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "show-quote":
            break
    else:
        raise AssertionError("the Quotes toggle is not reachable with Tab")
    style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert style not in ("none", "")
    page.keyboard.press("Space")
    assert page.locator("mark.hl-quote").count() > 0
