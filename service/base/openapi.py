"""The published OpenAPI document, made for the clients people generate from it: short
camelCase operation ids, a summary and description from each handler's docstring, schema
names without module paths, and nullable values in the one shape every generator maps.

Litestar writes the document; `polish` goes over it once, when the app is made, so the
served `/schema/openapi.json` and `app.openapi_schema` are the same document.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Iterator
from typing import Any

from litestar import Litestar
from litestar.enums import HttpMethod
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import OpenAPI, OpenAPIType, Reference, Schema
from litestar.routes import HTTPRoute

# What a client generator takes for an operation's method name.
OPERATION_ID = re.compile(r"^[a-z][a-zA-Z0-9]{0,29}$")
_MODULE_PATH = re.compile(r"(?<![A-Za-z0-9])(?:[a-z][a-z0-9_]*\.)+")
# What constrains the value, not the "value or null" around it.
_VALUE_KEYWORDS = (
    "pattern",
    "max_length",
    "min_length",
    "format",
    "enum",
    "maximum",
    "minimum",
    "exclusive_maximum",
    "exclusive_minimum",
    "items",
    "max_items",
    "min_items",
    "properties",
    "required",
    "additional_properties",
)


def operation_id(handler: HTTPRouteHandler, method: HttpMethod | str, _: Any) -> str:
    """The handler's name in camelCase (`list_clients` → `listClients`); a handler that
    answers more than one method names the others after them (`readFeedHead`)."""
    first, *rest = handler.handler_name.split("_")
    name = first + "".join(word.capitalize() for word in rest)
    verb = str(getattr(method, "value", method))
    if len(handler.http_methods) > 1 and verb.upper() != "GET":
        name += verb.capitalize()
    return name


def describe_from_docstrings(app: Litestar) -> None:
    """Each operation's summary (unless given) is its handler's docstring's first
    sentence; the description (OpenAPIConfig.use_handler_docstrings) is all of it."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            docstring = inspect.getdoc(handler.fn)
            if docstring and not handler.summary:
                first = docstring.split("\n\n", 1)[0]
                handler.summary = " ".join(first.split()).rstrip(".")


# Package names that tell two classes of one name apart no better than their parents.
_PLAIN_PACKAGES = {"service", "composers", "base", "types"}


def schema_name(name: str) -> str:
    """A component's name as a class name.

    `Page_service.clients.types.ClientOut_` → `ClientOutPage`: a generic's arguments by
    their own names, followed by the generic's. `reports_types_Attendance` (Litestar's
    name for one of two classes called Attendance) → `ReportsAttendance`: the class
    after the packages that tell it apart.
    """
    if "." in name:
        parts = [part for part in _MODULE_PATH.sub("", name).split("_") if part]
        return "".join(parts[1:]) + parts[0]
    if "_" in name:
        *packages, own = name.split("_")
        return "".join(p.capitalize() for p in packages if p not in _PLAIN_PACKAGES) + own
    return name


def _walk(node: Any, seen: set[int]) -> Iterator[Any]:
    if id(node) in seen:
        return
    seen.add(id(node))
    yield node
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        children: Any = (getattr(node, f.name) for f in dataclasses.fields(node))
    elif isinstance(node, dict):
        children = node.values()
    elif isinstance(node, list | tuple):
        children = node
    else:
        return
    for child in children:
        if child is not None and not isinstance(child, str | int | float | bool):
            yield from _walk(child, seen)


def _split_nullable(schema: Schema) -> None:
    """`{"type": ["null", "string"], "enum": [..., null]}` and `{"oneOf": [string, null],
    "pattern": ...}` as `{"oneOf": [{"type": "string", "enum"/"pattern": ...}, null]}`: a
    generator maps the first to classes numbered `…Type1`, `…Type2Type1`, and drops the
    constraints of the second."""
    kinds = schema.type if isinstance(schema.type, list) else None
    if kinds and OpenAPIType.NULL in kinds and len(kinds) == 2:
        (kind,) = [k for k in kinds if k != OpenAPIType.NULL]
        inner = Schema(type=kind)
        for keyword in _VALUE_KEYWORDS:
            value = getattr(schema, keyword)
            if keyword == "enum" and value is not None:
                value = [v for v in value if v is not None]
            setattr(inner, keyword, value)
            setattr(schema, keyword, None)
        schema.type = None
        schema.one_of = [inner, Schema(type=OpenAPIType.NULL)]
        return
    branches = schema.one_of or []
    values = [b for b in branches if not (isinstance(b, Schema) and b.type == OpenAPIType.NULL)]
    if len(branches) == 2 and len(values) == 1 and isinstance(values[0], Schema):
        for keyword in _VALUE_KEYWORDS:
            value = getattr(schema, keyword)
            if value is not None and getattr(values[0], keyword) is None:
                setattr(values[0], keyword, value)
                setattr(schema, keyword, None)


def polish(app: Litestar) -> OpenAPI:
    """Build the document once and tidy it as the module docstring says."""
    document = app.openapi_schema
    components = document.components
    schemas = components.schemas or {}
    renamed = {name: schema_name(name) for name in schemas}
    if len(set(renamed.values())) != len(renamed):
        raise ValueError(f"two schemas would share a name: {sorted(renamed.values())}")
    components.schemas = {renamed[name]: schema for name, schema in schemas.items()}
    for name, schema in components.schemas.items():
        if isinstance(schema, Schema):
            schema.title = name
    prefix = "#/components/schemas/"
    for node in _walk(document, set()):
        if isinstance(node, Reference) and node.ref.startswith(prefix):
            name = node.ref[len(prefix) :]
            node.ref = prefix + renamed.get(name, name)
        elif isinstance(node, Schema):
            _split_nullable(node)
    return document
