"""A text page is light: a first visit downloads at most 100 KB in all (HTML, styles, fonts,
scripts, icons; uploaded pictures aside), and each further page at most 40 KB, the styles and
fonts coming from the browser's cache."""

import pytest

# What a browser finds in the rendered pages: the same markup on either database.
pytestmark = pytest.mark.sqlite_only

FIRST_VIEW = 100_000
FURTHER_PAGE = 40_000


def test_a_first_visit_and_the_next_page_stay_within_their_budgets(chromium, served_site):
    context = chromium.new_context(base_url=served_site["base_url"])
    page = context.new_page()
    # Count what came over the network, as Chromium's DevTools protocol reports it (bytes on the
    # wire, headers included): what its cache answers costs nothing, a revalidation a few bytes.
    client = context.new_cdp_session(page)
    client.send("Network.enable")
    transferred = {}
    client.on(
        "Network.loadingFinished",
        lambda event: transferred.__setitem__(event["requestId"], event["encodedDataLength"]),
    )
    urls = {}
    client.on(
        "Network.responseReceived",
        lambda event: urls.__setitem__(event["requestId"], event["response"]["url"]),
    )

    def visit(url: str) -> dict[str, int]:
        transferred.clear()
        urls.clear()
        page.goto(url)
        page.wait_for_load_state("networkidle")
        return {
            urls.get(request_id, request_id): size
            for request_id, size in transferred.items()
            if "/media/" not in urls.get(request_id, "")
        }

    first = visit("/baggrund/")
    print(f"first view of /baggrund/: {sum(first.values())} bytes: {first}")
    assert any(url.endswith(".css") for url in first), "the stylesheet was not loaded"
    assert any(url.endswith(".woff2") for url in first), "the fonts were not loaded"
    assert sum(first.values()) <= FIRST_VIEW, f"{sum(first.values())} bytes: {first}"
    further = visit("/faser/")
    print(f"then /faser/: {sum(further.values())} bytes in {len(further)} responses")
    # The styles and fonts came from the cache: nothing of theirs but a revalidation's headers.
    assert not any(url.endswith((".css", ".woff2")) for url in further if further[url] > 1000)
    assert sum(further.values()) <= FURTHER_PAGE, f"{sum(further.values())} bytes: {further}"
    context.close()
