"""The provider's callback signature: hex HMAC-SHA256 over ``f"{timestamp}."`` + the raw body.

Checked over the raw bytes as received (never a re-serialised JSON), in
constant time, and only within ``TOLERANCE_SECONDS`` of the signed timestamp.
"""

import hashlib
import hmac
import re

TOLERANCE_SECONDS = 5 * 60
TIMESTAMP_HEADER = "X-Sadad-Timestamp"
SIGNATURE_HEADER = "X-Sadad-Signature"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def sign(secret: str, timestamp: str, raw_body: bytes) -> str:
    message = f"{timestamp}.".encode() + raw_body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_ok(secret: str, timestamp: str, raw_body: bytes, signature: str) -> bool:
    if not secret:
        # A missing secret would make every signature forgeable: accept nothing.
        return False
    expected = sign(secret, timestamp, raw_body).encode()
    return hmac.compare_digest(expected, signature.strip().encode("utf-8", "replace"))


def timestamp_fresh(timestamp: str, *, now: float) -> bool:
    """Unix seconds as ASCII digits, no further than the tolerance from ``now`` either way."""
    if not _TIMESTAMP.fullmatch(timestamp):
        return False
    return abs(now - int(timestamp)) <= TOLERANCE_SECONDS
