"""One-time and join codes: short codes a person can read off paper, stored only as keyed hashes."""

import hashlib
import hmac
import re
import secrets

from flask import current_app

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on paper


def random_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(code: str) -> str:
    """A code as typed ("7zte hvsx", "7ZTE-HVSX", "7zte_hvsx") as issued: any case, separators dropped."""
    return re.sub(r"[^0-9A-Z]", "", code.upper())


def code_hash(code: str) -> str:
    key = current_app.secret_key.encode() if isinstance(current_app.secret_key, str) else current_app.secret_key
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()
