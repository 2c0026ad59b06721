"""One guard for text no database can store, before any view or lookup sees it.

PostgreSQL refuses the NUL character in text (``psycopg.DataError``), so a ``%00`` in a
URL parameter, a query string, a form field, a cookie or a header reached the database
as a 500 (``/verify/%00/``, ``/visas/%00/``, ``?q=%00``…). Instead of a check in every
view, ``InputGuardMiddleware`` refuses such a request at once, whatever the URL resolves
to: in the path it is the translated 404 page (no address holds a NUL, as a request
number with letters in it is simply not found; the API's JSON ``not_found``), anywhere
else the translated 400 page (the API's JSON ``malformed``).

What it looks at: the path, every query-string and form key and value, cookies and
request headers. It refuses a NUL character and a lone UTF-16 surrogate (which cannot
be encoded as UTF-8). Other undecodable input needs no refusal:
Django keeps invalid UTF-8 in the path percent-encoded (``/verify/%ff/`` looks up
``"%FF"``, a 404) and replaces it in query strings and forms with U+FFFD.

JSON bodies are checked where they are parsed, by ``musaned.core.json_input.loads``
(the API's parser and the payment callback), which also bounds their nesting depth.
"""

import logging

from musaned.core.json_input import text_is_storable

logger = logging.getLogger("musaned.input")

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InputGuardMiddleware:
    """Answers 404 or 400 to a request carrying text no database can store (module
    docstring).

    The address, cookies and headers are checked before the URL is even resolved. Form
    fields are checked once the view is known, just before CSRF reads them too, and not
    for views that read the raw body themselves (the CSRF-exempt ones: the API, whose
    JSON its parser checks, and the payment callback, which verifies a signature over the
    bytes): parsing their body as a form first would make it unreadable to them.

    Placed after the language middleware, so the page is in the request's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = refused_part(request)
        if where:
            return _refuse(request, where)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "csrf_exempt", False):
            return None
        if (
            request.method == "POST"
            and request.content_type in FORM_CONTENT_TYPES
            and not _form_storable(request)
        ):
            return _refuse(request, "form")
        return None


def _refuse(request, where: str):
    # Where, never what: the value is an attacker's and may hold anything.
    logger.warning("request refused: a character that cannot be stored in the %s", where)
    from musaned.core.views import page_not_found, refused_input

    return page_not_found(request) if where == "path" else refused_input(request)


def refused_part(request) -> str:
    """The part of the address, cookies or headers of ``request`` holding a NUL
    character or a lone surrogate, or ``""``."""
    if not text_is_storable(request.path_info) or not text_is_storable(request.path):
        return "path"
    if not _multidict_storable(request.GET):
        return "query string"
    if not _all_storable(request.COOKIES.items()):
        return "cookies"
    headers = (
        (name, value)
        for name, value in request.META.items()
        if name.startswith("HTTP_") or name in ("CONTENT_TYPE", "CONTENT_LENGTH")
    )
    if not _all_storable(headers):
        return "headers"
    return ""


def _form_storable(request) -> bool:
    # Uploaded files' names need no check: Django's multipart parser already drops every
    # character that is not printable from them.
    return _multidict_storable(request.POST)


def _multidict_storable(data) -> bool:
    return all(
        text_is_storable(key) and all(text_is_storable(value) for value in values)
        for key, values in data.lists()
    )


def _all_storable(pairs) -> bool:
    return all(
        text_is_storable(key) and (not isinstance(value, str) or text_is_storable(value))
        for key, value in pairs
    )
