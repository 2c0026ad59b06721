"""The API's own schemas and its API object: the error shape, the text types every client
text is read with, the paging parameters of a list, the headers an operation requires.
What each app sends and receives is in its own ``schemas.py`` (``musaned/visas/schemas.py``,
``musaned/complaints/schemas.py``)."""

from typing import Annotated, Any

from ninja import Header, NinjaAPI, Query, Schema
from pydantic import BeforeValidator

from musaned.api.errors import LENGTH_ERRORS, input_length
from musaned.core.text import clean_text


def _one_line(value):
    return clean_text(value) if isinstance(value, str) else value


def _multi_line(value):
    return clean_text(value, multiline=True) if isinstance(value, str) else value


# Text fields as the forms read them (musaned.core.text): control and bidi-override
# characters are taken out before the length and the other checks, so the limits count
# what is kept. Use these for every text a client sends.
OneLineText = Annotated[str, BeforeValidator(_one_line)]
MultiLineText = Annotated[str, BeforeValidator(_multi_line)]


class Error(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


def answers(status: int, schema: Any, *errors: int) -> dict[int, Any]:
    """An operation's ``response=``: ``schema`` for its ``status``, and ``Error`` for each of
    the ``errors`` it may answer (``answers(200, ApplicationOut, *READ_ONE)``)."""
    return {status: schema, **dict.fromkeys(errors, Error)}


# The errors of a read of one of the caller's objects, of a list, and of a write.
READ_ONE = (401, 404)
LIST = (401, 422)
WRITE = (400, 401, 404, 409, 422)

# A list's paging (newest first): ``rows[offset : offset + limit]``.
LIMIT = Query(50, ge=1, le=100, description="How many, at most 100.")
OFFSET = Query(0, ge=0, le=1_000_000, description="How many to skip.")


# --- The API object ---------------------------------------------------------------------

# Headers the operations that declare them refuse to run without (each answers its own
# 400 with a code, so Ninja is told they are optional): name -> most characters.
REQUIRED_HEADERS: dict[str, int] = {}


def required_header(alias: str, *, description: str, max_length: int):
    """A request header the operation requires and checks itself. Declare it only on
    operations that refuse a request without it: the OpenAPI document says required."""
    REQUIRED_HEADERS[alias] = max_length
    return Header(None, alias=alias, description=description)


class Api(NinjaAPI):
    """Ninja's API object, with what Ninja leaves out put back.

    - Every operation documents its 422: a query parameter it does not take is refused.
    - The OpenAPI document marks the headers of ``REQUIRED_HEADERS`` required (1 to
      their most characters), as the operations enforce them.
    - A validation error keeps the length of the value it is about (``length``), so the
      message can say how long it was; Ninja drops the value itself (``input``).
    """

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                # Every operation answers 422 to a query parameter it does not take
                # (musaned/api/api.py, refuse_unknown_query_parameters).
                responses = operation.setdefault("responses", {})
                if 422 not in responses and "422" not in responses:
                    responses[422] = {
                        "description": "Unprocessable Entity",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    }
                for parameter in operation.get("parameters", []):
                    limit = REQUIRED_HEADERS.get(parameter["name"])
                    if parameter.get("in") != "header" or limit is None:
                        continue
                    parameter["required"] = True
                    parameter["schema"] = {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": limit,
                        "title": parameter["name"],
                        **({"description": d} if (d := parameter.get("description")) else {}),
                    }
        return schema

    def validation_error_from_error_contexts(self, error_contexts):
        error = super().validation_error_from_error_contexts(error_contexts)
        originals = [
            item
            for context in error_contexts
            for item in context.pydantic_validation_error.errors(include_url=False)
        ]
        # Ninja builds its list from the same errors, in the same order. Never strict:
        # a mismatch must not turn a 422 into a 500.
        for item, original in zip(error.errors, originals, strict=False):
            if item.get("type") in LENGTH_ERRORS and "input" in original:
                length = input_length(original["input"])
                if length is not None:
                    item["length"] = length
        return error
