"""Fetching feeds and articles from the web without becoming a way into the host's network.

A feed URL is typed by a server moderator, so it is untrusted input: only http(s), only public addresses (every
address a name resolves to is checked when the connection is made, so a DNS answer that changes between two
lookups, or a redirect to an internal host, is refused too), a bounded time and size, and the content type the
caller expects. Each failure is an exception whose text is one sentence a moderator can act on.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 5
PER_HOST = 8  # connections to one site at once: polite to a publisher with many feeds
TIMEOUT_SECONDS = 20.0
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
              "application/x-rss+xml", "text/plain")
ARTICLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_REDIRECTS = {301, 302, 303, 307, 308}
_PRIVATE_HINT = "set MOVESBOT_ALLOW_PRIVATE_URLS=1 to allow it (for tests only)"


def user_agent() -> str:
    """Names the bot to the sites it reads, so that their owners know who is asking."""
    try:
        release = version("movesbot")
    except PackageNotFoundError:  # running from a source tree that was never installed
        release = "dev"
    return f"movesbot/{release} (Discord bot keeping a sourced record of moves between AI labs; feed reader)"


class FetchError(Exception):
    """A fetch that failed; `kind` is a short code for storage, `str()` one sentence saying why."""

    kind = "network"

    def __init__(self, url: str, message: str):
        super().__init__(message)
        self.url = url


class BadUrl(FetchError):
    kind = "url"


class BlockedAddress(FetchError):
    kind = "blocked"


class DnsFailure(FetchError):
    kind = "dns"


class ConnectionRefused(FetchError):
    kind = "refused"


class FetchTimeout(FetchError):
    kind = "timeout"


class TooBig(FetchError):
    kind = "too_big"


class WrongContentType(FetchError):
    kind = "content_type"


class HttpStatus(FetchError):
    kind = "http_status"

    def __init__(self, url: str, message: str, status: int):
        super().__init__(url, message)
        self.status = status


class TooManyRedirects(FetchError):
    kind = "redirects"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What came back: `not_modified` for a 304 (then `body` is empty and the validators are the ones sent)."""

    url: str                  # the final URL, after redirects
    status: int
    body: bytes
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def is_public(address: str) -> bool:
    """True for an address on the public internet; false for loopback, private, link-local, reserved, shared,
    multicast and unspecified ranges (an IPv4 address mapped into IPv6 is judged as the IPv4 one)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _CheckedResolver(AbstractResolver):
    """aiohttp's own resolver, refusing a name that resolves to any address the fetcher does not allow. The
    connector calls it for every new connection (its short DNS cache holds only answers that passed), so a name
    cannot be checked once and connected to another address later."""

    def __init__(self, allowed: Callable[[str], bool]) -> None:
        self._inner = aiohttp.DefaultResolver()
        self._allowed = allowed

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            if not self._allowed(result["host"]):
                raise BlockedAddress(host, f"{host} resolves to the non-public address {result['host']}, which "
                                           f"is never fetched; {_PRIVATE_HINT}")
        return results

    async def close(self) -> None:
        await self._inner.close()


class Fetcher:
    """One HTTP client for feeds and articles; use as `async with Fetcher(...) as fetcher`.

    `allow_private` lifts the address check (the tests' servers run on 127.0.0.1); nothing else does.
    """

    def __init__(self, *, allow_private: bool = False, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES,
                 max_redirects: int = MAX_REDIRECTS, concurrency: int = 32):
        self.allow_private = allow_private
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._concurrency = concurrency
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        resolver = None if self.allow_private else _CheckedResolver(self.address_allowed)
        connector = aiohttp.TCPConnector(resolver=resolver, limit=self._concurrency,
                                         limit_per_host=PER_HOST)
        self._session = aiohttp.ClientSession(
            connector=connector, headers={"User-Agent": user_agent()}, auto_decompress=True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def address_allowed(self, address: str) -> bool:
        """Whether an address may be connected to (when private addresses are not allowed)."""
        return is_public(address)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get(self, url: str, *, accept: tuple[str, ...], etag: str | None = None,
                  last_modified: str | None = None) -> FetchResult:
        """GET `url`, following up to `max_redirects` redirects (each one checked like the first URL), sending
        the validators for a conditional GET. Raises a `FetchError` for anything but a 2xx or 304 of an accepted
        content type within the size and time limits."""
        assert self._session is not None, "use Fetcher as an async context manager"
        headers = {"Accept": ", ".join(accept) + ", */*;q=0.1"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            return await self._follow(url, headers, accept)
        except TimeoutError:
            raise FetchTimeout(url, f"no complete answer from {_host(url)} within {self.timeout:g} s") from None

    async def _follow(self, url: str, headers: dict[str, str], accept: tuple[str, ...]) -> FetchResult:
        """The hops of one fetch share its time limit: each request gets what is left (aiohttp's own timer,
        which also bounds reading the body)."""
        current = self._checked(url, url)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        for _ in range(self.max_redirects + 1):
            left = aiohttp.ClientTimeout(total=max(deadline - loop.time(), 0.001), connect=min(self.timeout, 10.0))
            async with await self._request(url, current, headers, left) as resp:
                if resp.status in _REDIRECTS and "Location" in resp.headers:
                    current = self._checked(url, self._location(url, current, resp.headers["Location"]))
                    continue
                return await self._result(url, resp, accept)
        raise TooManyRedirects(url, f"{_host(url)} redirected more than {self.max_redirects} times")

    async def _request(self, url: str, current: URL, headers: dict[str, str],
                       timeout: aiohttp.ClientTimeout) -> aiohttp.ClientResponse:
        assert self._session is not None
        try:
            return await self._session.get(current, headers=headers, allow_redirects=False, timeout=timeout)
        except (BlockedAddress, TimeoutError):
            raise
        except aiohttp.ClientConnectorDNSError:
            raise DnsFailure(url, f"the name {current.host} could not be resolved (DNS)") from None
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, ConnectionRefusedError):
                raise ConnectionRefused(url, f"{current.host}:{current.port} refused the connection") from None
            raise FetchError(url, f"could not connect to {current.host}:{current.port} ({exc.os_error})") from None
        except aiohttp.InvalidURL:
            raise BadUrl(url, f"{url!r} is not a valid URL") from None
        except aiohttp.ClientError as exc:
            raise FetchError(url, f"the connection to {current.host} failed ({type(exc).__name__})") from None

    @staticmethod
    def _location(original: str, current: URL, location: str) -> URL:
        try:
            return current.join(URL(location))
        except ValueError:
            raise BadUrl(original, f"{_host(original)} redirected to {location!r}, which is not a URL") from None

    def _checked(self, original: str, target: str | URL) -> URL:
        """The URL to fetch, if it is http(s) with a host, and (unless private addresses are allowed) not a
        literal non-public address; names are checked by the resolver when connecting."""
        try:
            url = URL(target) if isinstance(target, str) else target
        except ValueError:
            raise BadUrl(original, f"{target!r} is not a valid URL") from None
        if url.scheme not in ("http", "https") or not url.host:
            raise BadUrl(original, f"{str(target)!r} is not an http(s) URL; only http and https are fetched")
        if not self.allow_private:
            try:
                allowed = self.address_allowed(url.host)
            except ValueError:  # a name, not an address
                return url
            if not allowed:
                raise BlockedAddress(original, f"{url.host} is a non-public address, which is never fetched; "
                                               f"{_PRIVATE_HINT}")
        return url

    async def _result(self, url: str, resp: aiohttp.ClientResponse, accept: tuple[str, ...]) -> FetchResult:
        etag, modified = resp.headers.get("ETag"), resp.headers.get("Last-Modified")
        if resp.status == 304:
            return FetchResult(str(resp.url), 304, b"", None, None, etag, modified)
        if not 200 <= resp.status < 300:
            raise HttpStatus(url, f"{_host(url)} answered HTTP {resp.status} {resp.reason or ''}".rstrip(),
                             resp.status)
        has_type = "Content-Type" in resp.headers
        if has_type and resp.content_type not in accept:
            raise WrongContentType(url, f"{_host(url)} sent {resp.content_type}, which is not accepted here "
                                        f"(expected {', '.join(accept[:2])}, …)")
        if (resp.content_length or 0) > self.max_bytes:
            raise self._too_big(url)
        body = bytearray()
        try:
            async for chunk in resp.content.iter_chunked(64 * 1024):
                body += chunk
                if len(body) > self.max_bytes:
                    raise self._too_big(url)
        except aiohttp.ClientError as exc:
            raise FetchError(url, f"{_host(url)} broke off the answer ({type(exc).__name__})") from None
        return FetchResult(str(resp.url), resp.status, bytes(body), resp.content_type if has_type else None,
                           resp.charset, etag, modified)

    def _too_big(self, url: str) -> TooBig:
        limit = f"{self.max_bytes / 1024 / 1024:g} MB" if self.max_bytes >= 1024 * 1024 else f"{self.max_bytes} bytes"
        return TooBig(url, f"{_host(url)} sent more than {limit}; stopped reading")


def _host(url: str) -> str:
    try:
        return URL(url).host or url
    except ValueError:
        return url
