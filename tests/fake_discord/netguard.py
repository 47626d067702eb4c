"""Refuse outbound connections to anything but loopback, before any packet (or DNS query) leaves."""

from __future__ import annotations

import errno
import ipaddress
import socket
from typing import Any

import pytest


class ExternalNetworkBlocked(PermissionError):
    """Raised instead of connecting to (or resolving) a non-loopback host in tests."""


def is_loopback_host(host: Any) -> bool:
    """True for 127.0.0.0/8, ::1, "localhost" (and ``*.localhost``), or a missing host (local bind)."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%")[0]
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


class NetworkGuard:
    """Patches ``socket.getaddrinfo`` and ``socket.socket.connect``/``connect_ex`` (asyncio and aiohttp go through
    them). Blocked attempts are raised as :class:`ExternalNetworkBlocked` and kept in :attr:`attempts`."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def _refuse(self, what: str) -> ExternalNetworkBlocked:
        self.attempts.append(what)
        return ExternalNetworkBlocked(errno.EACCES, f"test network guard: refused {what} (only loopback allowed)")

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Apply the patches through ``monkeypatch`` (undone at its teardown)."""
        real_getaddrinfo = socket.getaddrinfo
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        guard = self

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if not is_loopback_host(host):
                raise guard._refuse(f"resolving {host!r}")
            return real_getaddrinfo(host, *args, **kwargs)

        def check(sock: socket.socket, address: Any) -> None:
            if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback_host(address[0]):
                raise guard._refuse(f"connecting to {address!r}")

        def connect(sock: socket.socket, address: Any) -> None:
            check(sock, address)
            return real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            check(sock, address)
            return real_connect_ex(sock, address)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
