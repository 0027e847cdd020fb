"""Anki packages (.apkg) of bank items, with genanki.

Flashcards become Basic notes; questions become front/back notes with the answer, the
explanation and the source on the back. Note GUIDs come from the item ids, so importing a
newer export updates the notes in Anki instead of adding duplicates.
"""

import hashlib
import io
import itertools
import os
import sqlite3
import tempfile
import zipfile
from typing import Any

import genanki
from markupsafe import escape

from quizapp.bank.types import get_type
from quizapp.markdown import render_markdown

MODEL = genanki.Model(
    1607392319,  # fixed: Anki matches note types by id
    "quizapp (front and back)",
    fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
    css=".card { font-family: sans-serif; font-size: 20px; text-align: left; color: #1b1f24; }",
)


def _stable_id(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % (1 << 31)


def _mixed(entries: list[dict[str, Any]], guid: str) -> list[dict[str, Any]]:
    """The entries in an order of their own for this note, stable across exports.

    Never the authored order (or the ids' order), which follows the answer: the right choice
    first, items numbered in the right order.
    """
    return sorted(entries, key=lambda entry: hashlib.sha256(f"{guid}:{entry['id']}".encode()).digest())


def _front(item: dict[str, Any], guid: str) -> str:
    kind = item["type"]
    if kind == "flashcard":
        return str(render_markdown(item["front"]))
    html = str(render_markdown(item["prompt"]))
    if kind in ("single_choice", "multiple_response"):
        html += "<ul>" + "".join(f"<li>{escape(c['text'])}</li>" for c in _mixed(item["choices"], guid)) + "</ul>"
    elif kind == "ordering":
        html += "<ul>" + "".join(f"<li>{escape(e['text'])}</li>" for e in _mixed(item["items"], guid)) + "</ul>"
    elif kind == "matching":
        html += "<ul>" + "".join(f"<li>{escape(p['left'])} → ?</li>" for p in _mixed(item["pairs"], guid)) + "</ul>"
    elif kind == "cloze":
        blanks = {"blanks": {b["id"]: "____" for b in item["blanks"]}}
        html += f"<p>{escape(get_type('cloze').describe(item, blanks))}</p>"
    return html


def _back(item: dict[str, Any]) -> str:
    question_type = get_type(item["type"])
    data = question_type.to_data(item)
    answer = escape(question_type.describe(data, question_type.correct_answer(data)))
    html = "" if item["type"] == "flashcard" else f"<p><b>{answer}</b></p>"
    html += str(render_markdown(item.get("back") or item.get("explanation") or ""))
    if item["type"] == "flashcard" and item.get("explanation"):
        html += str(render_markdown(item["explanation"]))
    if source := item.get("source"):
        html += f"<p><small>Source: p. {source['page']} — “{escape(source['evidence'])}”</small></p>"
    return html


def note_for(item: dict[str, Any]) -> genanki.Note:
    tags = [t.replace(" ", "_") for t in item["tags"]] + item["topic"].split("/")
    guid = genanki.guid_for("quizapp", item["id"])
    return genanki.Note(model=MODEL, fields=[_front(item, guid), _back(item)], tags=tags, guid=guid)


def build_package(items: list[dict[str, Any]], deck_name: str) -> io.BytesIO:
    """An .apkg of these exported items, in memory."""
    deck = genanki.Deck(_stable_id(deck_name), deck_name)
    for item in items:
        deck.add_note(note_for(item))
    # genanki's write_to_file leaves its temporary database behind; write it here and remove it.
    handle, path = tempfile.mkstemp(suffix=".anki2")
    os.close(handle)
    try:
        with sqlite3.connect(path) as connection:
            genanki.Package(deck).write_to_db(connection.cursor(), 0.0, itertools.count(1))
        connection.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.write(path, "collection.anki2")
            archive.writestr("media", "{}")
    finally:
        os.unlink(path)
    buffer.seek(0)
    return buffer
