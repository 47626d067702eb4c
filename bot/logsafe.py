"""Secrets never reach a log line: interaction tokens (in the URLs of interaction callbacks and webhooks, and in
the gateway's INTERACTION_CREATE payloads, all of which discord.py logs at DEBUG) are replaced by `[redacted]`.

Installed as a log record factory, so it holds for every handler and every logger, whoever adds them later.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
# /interactions/{id}/{token}/callback, /webhooks/{application id}/{token}[/...], and "token": "..." in payloads
_SECRETS = re.compile(r"(/(?:interactions|webhooks)/\d+/)[^/\s?#'\"]+"
                      r"|((?:'|\")token(?:'|\")\s*:\s*(?:'|\"))[^'\"]+")
_FORMATTER = logging.Formatter()


def redact(text: str) -> str:
    """`text` with interaction and webhook tokens replaced by `[redacted]`."""
    return _SECRETS.sub(lambda m: (m.group(1) or m.group(2)) + REDACTED, text)


def _scrub(record: logging.LogRecord) -> None:
    message = record.getMessage()
    safe = redact(message)
    if safe != message:
        record.msg, record.args = safe, None
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(_FORMATTER.formatException(record.exc_info))


def install_redaction() -> None:
    """Scrub every log record as it is made (once per process; calling again changes nothing)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacting", False):
        return

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _scrub(record)
        return record

    factory.redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
