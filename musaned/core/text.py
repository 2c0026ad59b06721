"""Text people send: the invisible characters taken out before it is checked or stored.

Used by every form (``musaned.core.forms``) and the API's text fields
(``musaned.api.schemas``); why these characters, in docs/decisions/0011-control-characters-taken-out-of-typed-text.md.

- C0 and C1 control characters and DEL, except tab, line feed and carriage return in
  multi-line text: nobody types them, terminals and logs act on them, and PostgreSQL
  refuses a NUL.
- The bidi embedding, override and isolate characters (U+202A-U+202E, U+2066-U+2069):
  they reorder the text after them ("Trojan Source"), so a name or a message could read
  differently from what it is. The pages isolate each piece of typed text themselves
  (``dir="auto"``, ``<bdi>``). The marks LRM, RLM and ALM (U+200E, U+200F, U+061C) stay:
  they only nudge their neighbours and Arabic keyboards type them.
- In one-line text a tab or a line break (also U+2028, U+2029) becomes a space, so two
  pasted words do not run together.
"""

import re

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_DROP = re.compile(f"[{_CONTROLS}{_BIDI_CONTROLS}]")
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]+")
_SEPARATORS = re.compile("[\u2028\u2029]")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """``value`` without control and bidi-override characters (see the module)."""
    value = _DROP.sub("", value)
    if multiline:
        return _SEPARATORS.sub("\n", value)
    return _LINE_BREAKS.sub(" ", value)
