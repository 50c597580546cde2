"""Text of a PDF made by fpdf2 with an embedded TrueType font, for assertions.

No PDF parser is in the lock; fpdf2's output is regular enough to read back: each font has
a ToUnicode CMap (``bfchar`` pairs of glyph id → code point), and the page content streams
(Flate-compressed) show strings of 2-byte glyph ids with ``Tj`` after a ``/Fn size Tf``.
"""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)", re.S)
_TOKENS = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj|\[((?:\((?:\\.|[^\\)])*\)|[^\]\(])*)\] TJ", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _stream(body: bytes) -> bytes:
    match = _STREAM.search(body)
    if match is None:
        return b""
    data = match.group(1)
    return zlib.decompress(data) if b"/FlateDecode" in body[: match.start()] else data


def _literal(raw: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(raw):
        ch = raw[i : i + 1]
        if ch == b"\\":
            nxt = raw[i + 1 : i + 2]
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                i += 1 + len(octal.group(0))
                continue
            out += _ESCAPES.get(nxt, nxt)
            i += 2
            continue
        out += ch
        i += 1
    return bytes(out)


def pdf_text(content: bytes) -> str:
    """All shown text, one line per ``Tj``."""
    objects = {int(m.group(1)): m.group(2) for m in _OBJ.finditer(content)}
    cmaps: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", body):
            font = objects.get(int(ref), b"")
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font)
            if to_unicode is None:
                continue
            cmap = _stream(objects[int(to_unicode.group(1))])
            mapping = {
                int(a, 16): chr(int(b, 16)) for a, b in re.findall(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4,})>", cmap)
            }
            cmaps[name] = mapping
    lines: list[str] = []
    for body in objects.values():
        if b"/FlateDecode" not in body or b"/Length1" in body:
            continue
        try:
            stream = _stream(body)
        except zlib.error:
            continue
        font = b""
        for token in _TOKENS.finditer(stream):
            if token.group(1):
                font = token.group(1)
                continue
            parts = [token.group(2)] if token.group(2) is not None else _STRING.findall(token.group(3))
            mapping = cmaps.get(font, {})
            text = ""
            for part in parts:
                raw = _literal(part)
                text += "".join(
                    mapping.get(int.from_bytes(raw[i : i + 2], "big"), "?") for i in range(0, len(raw) - 1, 2)
                )
            lines.append(text)
    return "\n".join(lines)
