"""A small web server on 127.0.0.1 for the feed and fetch tests: RSS and Atom feeds built from items, ETag and
Last-Modified with real 304s, and routes that misbehave (slow, huge, wrong type, redirects, errors)."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from aiohttp import web


@dataclass
class Route:
    body: bytes = b""
    content_type: str | None = "application/rss+xml"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    conditional: bool = True     # answer 304 to a matching If-None-Match / If-Modified-Since
    stream_bytes: int = 0        # send this many bytes in chunks, without a Content-Length
    drip: float = 0.0            # seconds between two chunks of a streamed body
    last_modified: str | None = None


def rss(items: list[dict[str, str]], title: str = "Test feed") -> bytes:
    """An RSS 2.0 document; each item dict may have title, link, guid, pubDate (given as YYYY-MM-DD)."""
    parts = [f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
             "<link>http://127.0.0.1/</link><description>test</description>"]
    for item in items:
        parts.append("<item>")
        if "title" in item:
            parts.append(f"<title>{escape(item['title'])}</title>")
        if "link" in item:
            parts.append(f"<link>{escape(item['link'])}</link>")
        if "guid" in item:
            parts.append(f'<guid isPermaLink="false">{escape(item["guid"])}</guid>')
        if "pubDate" in item:
            day = datetime.fromisoformat(item["pubDate"]).replace(hour=9, tzinfo=UTC)
            parts.append(f"<pubDate>{format_datetime(day)}</pubDate>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


def atom(items: list[dict[str, str]], title: str = "Test Atom feed") -> bytes:
    """An Atom 1.0 document; each item dict may have title, link, id, updated (YYYY-MM-DD)."""
    parts = ['<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
             f"<title>{escape(title)}</title><id>urn:test:feed</id><updated>2025-07-01T00:00:00Z</updated>"]
    for item in items:
        parts.append("<entry>")
        parts.append(f"<title>{escape(item.get('title', ''))}</title>")
        if "link" in item:
            parts.append(f'<link rel="alternate" href="{escape(item["link"])}"/>')
        if "id" in item:
            parts.append(f"<id>{escape(item['id'])}</id>")
        if "updated" in item:
            parts.append(f"<updated>{item['updated']}T09:00:00Z</updated>")
        parts.append("</entry>")
    parts.append("</feed>")
    return "".join(parts).encode("utf-8")


class FeedServer:
    """Serves `routes` (path -> Route) on 127.0.0.1; counts requests per path and how many were answered 304."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.not_modified: dict[str, int] = {}
        self.user_agents: list[str] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def set(self, path: str, body: bytes = b"", **kwargs: object) -> str:
        """Serve `body` at `path` (a Route's other fields as keywords); returns the URL."""
        self.routes[path] = Route(body=body, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] = self.hits.get(path, 0) + 1
        self.user_agents.append(request.headers.get("User-Agent", ""))
        route = self.routes.get(path)
        if route is None:
            return web.Response(status=404, text="no such feed")
        if route.delay:
            await asyncio.sleep(route.delay)
        headers = dict(route.headers)
        if route.status == 200 and route.conditional:
            etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
            headers["ETag"] = etag
            if route.last_modified:
                headers["Last-Modified"] = route.last_modified
            if request.headers.get("If-None-Match") == etag or (
                    route.last_modified and request.headers.get("If-Modified-Since") == route.last_modified):
                self.not_modified[path] = self.not_modified.get(path, 0) + 1
                return web.Response(status=304, headers=headers)
        if route.content_type:
            headers["Content-Type"] = route.content_type
        if route.stream_bytes:
            response = web.StreamResponse(status=route.status, headers=headers)
            await response.prepare(request)
            chunk = b"<" + b"x" * 65_535
            sent = 0
            try:
                while sent < route.stream_bytes:
                    await response.write(chunk)
                    sent += len(chunk)
                    await asyncio.sleep(route.drip)
            except (ConnectionError, RuntimeError):  # the client stopped reading: what the test wants
                return response
            await response.write_eof()
            return response
        return web.Response(status=route.status, body=route.body, headers=headers)
