"""Downloads: every file the app hands out goes through `download`, with a name safe in a header.

Names are built from things people type (a class name, a topic), so they may hold any script,
line breaks or header syntax (`;filename*=`). `download_filename` keeps letters, digits and a
few marks, turns the rest into hyphens; werkzeug's `send_file` then writes the RFC 6266 header
(`filename` in ASCII, and `filename*` in UTF-8 when the name needs it).
"""

import io
import re
import unicodedata
from typing import BinaryIO

from flask import Response, send_file

MAX_NAME = 120  # characters before the extension
_UNSAFE = re.compile(r"[^\w.()-]+")  # \w is Unicode-aware: letters of any script stay


def download_filename(stem: str, extension: str) -> str:
    """A file name made of `stem` with control characters, quotes, `;`, slashes and spaces replaced
    by hyphens, never empty, never hidden; `extension` without its dot."""
    text = "".join("-" if unicodedata.category(c)[0] in "CZ" else c for c in unicodedata.normalize("NFC", stem))
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-.")[:MAX_NAME].strip("-.")
    return f"{text or 'download'}.{extension}"


def download(content: bytes | str | BinaryIO, filename: str, mimetype: str) -> Response:
    """An attachment response; `filename` should come from download_filename (it is cleaned again)."""
    stem, dot, extension = filename.rpartition(".")
    stem, extension = (stem, extension) if dot else (filename, "bin")
    if isinstance(content, str):
        content = content.encode()
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    return send_file(stream, mimetype=mimetype, as_attachment=True, download_name=download_filename(stem, extension))
