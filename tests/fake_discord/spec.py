"""Validation of JSON bodies against Discord's official OpenAPI spec (``tests/discord_spec/openapi.json``).

The spec is OpenAPI 3.1, whose schemas are JSON Schema 2020-12 with ``$ref`` into
``#/components/schemas``. The whole document is put into a :class:`referencing.Registry` under
:data:`SPEC_URI`; a validator for one operation is ``{"$ref": SPEC_URI + "#/paths/.../schema"}``, so every
nested ``$ref`` resolves inside the spec. The document is parsed once per process and validators are built
lazily and cached per operation.

Deviations from the spec, each narrow and explained where defined:

* :data:`REQUEST_SNOWFLAKE` — in requests, snowflakes may be integers (Discord accepts them; discord.py sends
  them). The only loosening.
* :data:`DOCUMENTED_LIMITS` — where the spec is looser than Discord's documentation (content length, the 6000
  characters of a message's embeds together), the documentation wins (per the spec's own README): extra checks
  tighten it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parent.parent / "discord_spec" / "openapi.json"
SPEC_URI = "urn:discord-api-spec:openapi.json"
API_PREFIX = "/api/v10"
MAX_MESSAGE_CHARS = 300


@dataclass(frozen=True)
class Operation:
    """One path template + method of the spec, e.g. ``PUT /applications/{application_id}/commands``."""

    template: str
    method: str
    params: dict[str, str]


@functools.cache
def load_spec() -> dict[str, Any]:
    """Return the parsed spec document (parsed once per process)."""
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


#: Requests only: a snowflake may also be sent as a non-negative integer. The spec types every request
#: snowflake as a digit string, but Discord accepts integers, and discord.py sends them (attachment ids are
#: file indexes ``{"id": 0}``, allowed_mentions ``users``/``roles``, ``message_reference`` ids). Responses
#: are still checked against the unmodified spec: the fake must answer with strings, like Discord.
REQUEST_SNOWFLAKE = {"anyOf": [{"type": "string", "pattern": "^(0|[1-9][0-9]*)$"},
                               {"type": "integer", "minimum": 0, "maximum": 2**64 - 1}]}


@functools.cache
def _registry(for_requests: bool) -> Registry:
    spec = load_spec()
    if for_requests:
        schemas = {**spec["components"]["schemas"], "SnowflakeType": REQUEST_SNOWFLAKE}
        spec = {**spec, "components": {**spec["components"], "schemas": schemas}}
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str, int]]:
    """Path templates as regexes, most specific first (literal segments beat ``{params}``)."""
    out = []
    for template in load_spec()["paths"]:
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        out.append((re.compile(f"^{pattern}$"), template, template.count("{")))
    out.sort(key=lambda item: item[2])
    return out


def match_operation(method: str, path: str) -> Operation | None:
    """Find the spec operation for ``method`` and a request path (with or without the ``/api/v10`` prefix)."""
    if path.startswith(API_PREFIX):
        path = path[len(API_PREFIX) :]
    method = method.lower()
    for regex, template, _ in _templates():
        m = regex.match(path)
        if m and method in load_spec()["paths"][template]:
            return Operation(template, method, m.groupdict())
    return None


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@functools.cache
def _request_validator(template: str, method: str) -> Draft202012Validator | None:
    body = load_spec()["paths"][template][method].get("requestBody")
    if not body or "application/json" not in body.get("content", {}):
        return None
    ref = f"{SPEC_URI}#/{_pointer('paths', template, method, 'requestBody', 'content', 'application/json', 'schema')}"
    return Draft202012Validator({"$ref": ref}, registry=_registry(True))


@functools.cache
def _response_validator(template: str, method: str, status: int) -> Draft202012Validator | None:
    responses = load_spec()["paths"][template][method].get("responses", {})
    resp = responses.get(str(status))
    if not resp or "application/json" not in resp.get("content", {}):
        return None
    ref = (
        f"{SPEC_URI}#/"
        f"{_pointer('paths', template, method, 'responses', str(status), 'content', 'application/json', 'schema')}"
    )
    return Draft202012Validator({"$ref": ref}, registry=_registry(False))


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else f"{text[:57]}..."


# How strongly an error says "this was the wrong branch": a discriminator (enum/const) mismatch most.
_MISMATCH = {"enum": 3, "const": 3, "type": 2, "required": 1}


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The errors that explain ``error``: for anyOf/oneOf, those of the branch that came closest.

    A branch failing on ``enum``/``const`` (a discriminator such as ``type: 8`` did not match), ``type`` or
    ``required`` was probably the wrong branch; the closest branch is the one with the lowest such score.
    """
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    best = min(branches.values(), key=lambda errs: (sum(_MISMATCH.get(str(e.validator), 0) for e in errs),
                                                     len(errs)))
    return [leaf for sub in best for leaf in _leaves(sub)]


def _describe(error: ValidationError) -> str:
    """One line: where, which keyword, the limit and a short view of the offending value."""
    instance = error.instance
    if error.validator in ("maxLength", "minLength") and isinstance(instance, str):
        what = f"{len(instance)} characters ({error.validator} {error.validator_value})"
    elif error.validator in ("maxItems", "minItems") and isinstance(instance, list):
        what = f"{len(instance)} items ({error.validator} {error.validator_value})"
    else:
        what = error.message if len(error.message) <= 200 else f"{error.validator} failed on {_short(instance)}"
    text = f"{error.json_path}: {what}"
    return text if len(text) <= MAX_MESSAGE_CHARS else f"{text[: MAX_MESSAGE_CHARS - 3]}..."


def _errors(validator: Draft202012Validator, body: Any) -> list[str]:
    lines: list[str] = []
    for error in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path))):
        lines.extend(_describe(leaf) for leaf in _leaves(error))
    return lines


# --- Documented limits the spec does not encode -------------------------------------------------------------

def _message_content_2000(body: Any) -> Iterator[str]:
    if isinstance(body, dict) and isinstance(body.get("content"), str) and len(body["content"]) > 2000:
        yield f"$.content: {len(body['content'])} characters; Discord documents at most 2000 for bots"


def _embeds_6000(body: Any) -> Iterator[str]:
    """The characters of all of a message's embeds together: Discord documents at most 6000 (title, description,
    field names and values, footer text, author name), and answers 50035 above it. The spec limits each part."""
    if not isinstance(body, dict):
        return
    message = body.get("data") if isinstance(body.get("data"), dict) and "type" in body else body
    embeds = message.get("embeds") if isinstance(message, dict) else None
    if not isinstance(embeds, list):
        return
    total = 0
    for embed in embeds:
        if not isinstance(embed, dict):
            continue
        total += len(embed.get("title") or "") + len(embed.get("description") or "")
        total += len((embed.get("footer") or {}).get("text") or "") + len((embed.get("author") or {}).get("name") or "")
        total += sum(len(f.get("name") or "") + len(f.get("value") or "") for f in embed.get("fields") or []
                     if isinstance(f, dict))
    if total > 6000:
        yield f"$.embeds: {total} characters in all; Discord documents at most 6000 per message"


_MESSAGE_LIMITS = [_message_content_2000, _embeds_6000]
DOCUMENTED_LIMITS: dict[tuple[str, str], list[Callable[[Any], Iterator[str]]]] = {
    # The spec's MessageCreateRequest allows 4000 characters (the Nitro limit); Discord's documentation for
    # Create Message says 2000, and a bot account gets 50035 "Must be 2000 or fewer in length" above that.
    ("/channels/{channel_id}/messages", "post"): _MESSAGE_LIMITS,
    ("/channels/{channel_id}/messages/{message_id}", "patch"): _MESSAGE_LIMITS,
    ("/interactions/{interaction_id}/{interaction_token}/callback", "post"): [_embeds_6000],
    ("/webhooks/{webhook_id}/{webhook_token}", "post"): _MESSAGE_LIMITS,
    ("/webhooks/{webhook_id}/{webhook_token}/messages/@original", "patch"): _MESSAGE_LIMITS,
    ("/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", "patch"): _MESSAGE_LIMITS,
}


def validate_request(method: str, path: str, body: Any) -> list[str] | None:
    """Validate a JSON request body; return error lines ([] when valid) or None if no operation/schema matches."""
    op = match_operation(method, path)
    if op is None:
        return None
    validator = _request_validator(op.template, op.method)
    if validator is None:
        return None
    errors = _errors(validator, body)
    for check in DOCUMENTED_LIMITS.get((op.template, op.method), []):
        errors.extend(check(body))
    return errors


def validate_response(method: str, path: str, status: int, body: Any) -> list[str] | None:
    """Validate a JSON response body the fake sends; None when the spec has no schema for it."""
    op = match_operation(method, path)
    if op is None:
        return None
    validator = _response_validator(op.template, op.method, status)
    if validator is None:
        return None
    return _errors(validator, body)
