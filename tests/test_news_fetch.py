"""Fetching over real HTTP from a server on 127.0.0.1: limits, content types, conditional GET, and the refusal of
non-public addresses (directly, by name, and through a redirect)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.news.fetch import (
    FEED_TYPES,
    BadUrl,
    BlockedAddress,
    ConnectionRefused,
    DnsFailure,
    Fetcher,
    FetchTimeout,
    HttpStatus,
    TooBig,
    TooManyRedirects,
    WrongContentType,
    is_public,
)
from tests.feed_server import FeedServer, rss

ITEMS = [{"title": "One", "link": "https://news.example/one", "guid": "1", "pubDate": "2025-07-07"}]


@pytest_asyncio.fixture
async def server() -> AsyncIterator[FeedServer]:
    srv = FeedServer()
    await srv.start()
    yield srv
    await srv.stop()


@pytest_asyncio.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(allow_private=True, timeout=2.0, max_bytes=200_000) as f:
        yield f


async def test_fetches_a_feed_with_the_bots_user_agent(server: FeedServer, fetcher: Fetcher) -> None:
    url = server.set("/feed", rss(ITEMS))
    result = await fetcher.get(url, accept=FEED_TYPES)
    assert result.status == 200 and b"<rss" in result.body
    assert result.content_type == "application/rss+xml" and result.etag
    assert server.user_agents[-1].startswith("movesbot/")


async def test_conditional_get_gets_304_with_the_etag_or_last_modified(server: FeedServer, fetcher: Fetcher) -> None:
    url = server.set("/feed", rss(ITEMS), last_modified="Mon, 07 Jul 2025 09:00:00 GMT")
    first = await fetcher.get(url, accept=FEED_TYPES)
    again = await fetcher.get(url, accept=FEED_TYPES, etag=first.etag)
    by_date = await fetcher.get(url, accept=FEED_TYPES, last_modified=first.last_modified)
    assert again.not_modified and again.body == b"" and by_date.not_modified
    assert server.not_modified["/feed"] == 2
    server.set("/feed", rss([*ITEMS, {"title": "Two", "link": "https://news.example/two"}]))
    changed = await fetcher.get(url, accept=FEED_TYPES, etag=first.etag)
    assert changed.status == 200 and changed.etag != first.etag


async def test_http_errors_say_the_status(server: FeedServer, fetcher: Fetcher) -> None:
    with pytest.raises(HttpStatus, match="HTTP 404") as caught:
        await fetcher.get(server.url("/missing"), accept=FEED_TYPES)
    assert caught.value.status == 404 and caught.value.kind == "http_status"
    server.set("/boom", b"oops", status=503, content_type="text/plain")
    with pytest.raises(HttpStatus, match="HTTP 503"):
        await fetcher.get(server.url("/boom"), accept=FEED_TYPES)


async def test_wrong_content_type_is_refused(server: FeedServer, fetcher: Fetcher) -> None:
    url = server.set("/page", b"<html></html>", content_type="text/html")
    with pytest.raises(WrongContentType, match="text/html"):
        await fetcher.get(url, accept=FEED_TYPES)
    assert (await fetcher.get(url, accept=("text/html",))).body == b"<html></html>"


async def test_a_huge_body_is_cut_off_with_or_without_content_length(server: FeedServer, fetcher: Fetcher) -> None:
    declared = server.set("/declared", b"<" * 300_000)
    with pytest.raises(TooBig, match="more than 200000 bytes"):
        await fetcher.get(declared, accept=FEED_TYPES)
    streamed = server.set("/streamed", stream_bytes=50_000_000)
    with pytest.raises(TooBig):
        await fetcher.get(streamed, accept=FEED_TYPES)


async def test_a_slow_server_times_out(server: FeedServer) -> None:
    url = server.set("/slow", rss(ITEMS), delay=1.0)
    async with Fetcher(allow_private=True, timeout=0.3) as fetcher:
        with pytest.raises(FetchTimeout, match=r"within 0\.3 s"):
            await fetcher.get(url, accept=FEED_TYPES)


async def test_a_body_that_trickles_in_times_out(server: FeedServer) -> None:
    """The limit is for the whole fetch, not for each read: a server sending a little now and then is cut off."""
    url = server.set("/drip", stream_bytes=20 * 65_536, drip=0.1)
    async with Fetcher(allow_private=True, timeout=0.5) as fetcher:
        with pytest.raises(FetchTimeout):
            await fetcher.get(url, accept=FEED_TYPES)


async def test_refused_connection_and_unknown_name(server: FeedServer, fetcher: Fetcher,
                                                   block_external_network: object) -> None:
    port = server.port
    await server.stop()
    with pytest.raises(ConnectionRefused, match="refused the connection"):
        await fetcher.get(f"http://127.0.0.1:{port}/feed", accept=FEED_TYPES)
    # The tests' network guard makes every non-loopback lookup fail before any packet leaves: a DNS failure.
    with pytest.raises(DnsFailure, match="could not be resolved"):
        await fetcher.get("http://feeds.example.invalid/rss", accept=FEED_TYPES)
    block_external_network.attempts.clear()  # type: ignore[attr-defined]


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/feed", "file:///etc/passwd", "not a url", "http:///nohost"])
async def test_only_http_urls(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(BadUrl, match="only http and https"):
        await fetcher.get(url, accept=FEED_TYPES)


async def test_redirects_are_followed_up_to_a_limit(server: FeedServer, fetcher: Fetcher) -> None:
    target = server.set("/feed", rss(ITEMS))
    server.set("/moved", status=301, headers={"Location": "/feed"}, content_type="text/plain")
    assert (await fetcher.get(server.url("/moved"), accept=FEED_TYPES)).url == target
    server.set("/odd", status=302, headers={"Location": "http://[oops/"}, content_type="text/plain")
    with pytest.raises(BadUrl, match="not a URL"):
        await fetcher.get(server.url("/odd"), accept=FEED_TYPES)
    server.set("/loop", status=302, headers={"Location": "/loop"}, content_type="text/plain")
    with pytest.raises(TooManyRedirects):
        await fetcher.get(server.url("/loop"), accept=FEED_TYPES)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "[::1]", "10.1.2.3",
                                  "169.254.169.254", "192.168.0.1", "0.0.0.0", "100.64.0.1"])
async def test_non_public_addresses_are_refused_without_the_setting(host: str) -> None:
    async with Fetcher(allow_private=False, timeout=2.0) as fetcher:
        with pytest.raises(BlockedAddress, match="MOVESBOT_ALLOW_PRIVATE_URLS"):
            await fetcher.get(f"http://{host}:9/feed", accept=FEED_TYPES)


async def test_the_server_itself_is_refused_and_never_reached_without_the_setting(server: FeedServer) -> None:
    url = server.set("/feed", rss(ITEMS))
    async with Fetcher(allow_private=False, timeout=2.0) as fetcher:
        for target in (url, server.url("/feed", host="localhost")):
            with pytest.raises(BlockedAddress):
                await fetcher.get(target, accept=FEED_TYPES)
    assert server.hits == {}


class _TestServerIsPublic(Fetcher):
    """The strict policy, except that the tests' server (127.0.0.1) stands in for a public host."""

    def address_allowed(self, address: str) -> bool:
        return address == "127.0.0.1" or super().address_allowed(address)


async def test_a_redirect_to_a_private_address_is_refused(server: FeedServer) -> None:
    """Every hop is checked, not only the first URL: a public feed redirecting inside is refused."""
    server.set("/feed", rss(ITEMS))
    for inside in ("http://169.254.169.254/latest/meta-data", f"http://127.0.0.2:{server.port}/feed"):
        server.set("/go-inside", status=302, headers={"Location": inside}, content_type="text/plain")
        async with _TestServerIsPublic(allow_private=False, timeout=2.0) as fetcher:
            assert (await fetcher.get(server.url("/feed"), accept=FEED_TYPES)).status == 200
            with pytest.raises(BlockedAddress, match=inside.split("/")[2].split(":")[0]):
                await fetcher.get(server.url("/go-inside"), accept=FEED_TYPES)


def test_public_address_rules() -> None:
    assert is_public("93.184.216.34") and is_public("2606:4700::1111")
    for address in ("127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "::1", "fe80::1",
                    "fc00::1", "::ffff:10.0.0.1", "224.0.0.1", "0.0.0.0", "100.64.0.1", "240.0.0.1"):
        assert not is_public(address), address
