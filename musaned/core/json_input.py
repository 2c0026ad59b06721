"""JSON from outside (API bodies, the payment provider's callback): parsed only within limits.

``loads`` is ``json.loads`` with three refusals, each a ``ValueError`` (so code that
already treats a ``ValueError`` as "malformed" keeps doing so):

* ``TooDeep``: arrays and objects nested more than ``MAX_DEPTH`` levels. The depth is
  measured on the raw text *before* parsing, without recursion: Python's parser recurses
  once per level and a body nested a few thousand levels deep raises ``RecursionError``
  (a 500) instead of a parse error.
* ``ForbiddenCharacter``: a string (key or value) holding a NUL character (``\\u0000``,
  which PostgreSQL refuses in text and in ``jsonb``) or a lone UTF-16 surrogate
  (``\\ud800``, which cannot be encoded as UTF-8, so no database or log can store it).
* ``UnicodeDecodeError`` (from the parser): bytes that are not UTF-8.

The limit is documented in docs/api.md. No body the platform expects comes near it: the
deepest (a visa application) is three levels.
"""

import json
import re
from itertools import accumulate
from typing import Any

# Levels of arrays and objects, counted from the outermost one (``{"a": [1]}`` is 2).
MAX_DEPTH = 32

# A JSON string, escapes included; possessive, so it never backtracks.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
# +1 for an opening bracket, -1 for a closing one (indexed by byte value).
_STEP = [0] * 256
for _byte in b"[{":
    _STEP[_byte] = 1
for _byte in b"]}":
    _STEP[_byte] = -1


class JsonInputError(ValueError):
    """JSON that is refused before (or instead of) being used."""


class TooDeep(JsonInputError):
    def __init__(self, depth: int, limit: int):
        super().__init__(f"JSON nested {depth} levels deep (at most {limit})")
        self.depth = depth
        self.limit = limit


class ForbiddenCharacter(JsonInputError):
    """``problems`` maps where (dotted: ``description``, ``workers.0.name``; ``""`` for
    the body itself or an object key) to what: ``"nul"`` or ``"surrogate"``."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("JSON string with a NUL character or a lone surrogate")
        self.problems = problems


def nesting_depth(raw: bytes | str) -> int:
    """How deeply arrays and objects nest in ``raw`` (0 for a scalar), brackets inside
    strings not counted. Meant for a limit check, not validation: unbalanced text gets the
    depth its opening brackets reach, and the parser refuses it afterwards."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    skeleton = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, skeleton)), default=0)


def check_depth(raw: bytes | str, *, limit: int = MAX_DEPTH) -> None:
    """Raise ``TooDeep`` when ``raw`` nests more than ``limit`` levels."""
    depth = nesting_depth(raw)
    if depth > limit:
        raise TooDeep(depth, limit)


def loads(raw: bytes | str, *, max_depth: int = MAX_DEPTH, **kwargs) -> Any:
    """``json.loads(raw, **kwargs)`` within the limits of the module docstring."""
    check_depth(raw, limit=max_depth)
    data = json.loads(raw, **kwargs)
    problems = _unstorable(data)
    if problems:
        raise ForbiddenCharacter(problems)
    return data


def text_is_storable(text: str) -> bool:
    """No NUL character and no lone surrogate: text every database and log can keep."""
    return _problem(text) is None


def _problem(text: str) -> str | None:
    if "\x00" in text:
        return "nul"
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "surrogate"
    return None


def _unstorable(data: Any) -> dict[str, str]:
    """Where ``data`` holds a string (key or value) that cannot be stored, and why.
    Iterative: the depth is already bounded, but no recursion is needed either."""
    problems: dict[str, str] = {}
    pending: list[tuple[tuple[str, ...], Any]] = [((), data)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            problem = _problem(item)
            if problem:
                problems[".".join(path)] = problem
        elif isinstance(item, dict):
            for key, value in item.items():
                problem = _problem(key)
                if problem:
                    problems[".".join(path)] = problem  # the key is no name to show
                else:
                    pending.append(((*path, key), value))
        elif isinstance(item, list):
            pending.extend(((*path, str(index)), value) for index, value in enumerate(item))
    return problems
