"""The dashboard's shell: its pages load from this machine alone, with the country outlines drawn."""

from __future__ import annotations


def test_home_page_draws_country_outlines_offline(page):
    page.goto("/")
    page.wait_for_selector("body[data-ready='1']", timeout=20000)
    assert page.locator("#map path.country").count() > 100  # one path per country


def test_missing_page_id_is_a_404_json_for_the_api(server):
    import json
    import urllib.error
    import urllib.request

    try:
        urllib.request.urlopen(server + "/api/events/nope")
    except urllib.error.HTTPError as e:
        assert e.code == 404
        assert "error" in json.loads(e.read())
    else:
        raise AssertionError("expected a 404")
