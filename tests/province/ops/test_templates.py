"""No inline script in any template of the provincial system: the production CSP
(script-src 'self') would block it. Scans every template file under province/, so a page
added later with an inline <script>, an on*="" handler or a javascript: URL fails here."""

from __future__ import annotations

import re
from pathlib import Path

import province

ROOT = Path(province.__file__).resolve().parent
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"""<[a-zA-Z][^>]*\s(on[a-z]+)\s*=""", re.IGNORECASE | re.DOTALL)
JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
HTMX_INLINE = re.compile(r"""\shx-on(?::|-|\s*=)|\shx-vals\s*=\s*["']\s*js:""", re.IGNORECASE)


def template_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("templates/**/*")
        if path.is_file() and path.suffix in (".html", ".txt", ".xml", ".svg")
    )


def violations(text: str) -> list[str]:
    found = []
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        if not re.search(r"\ssrc\s*=", " " + attributes, re.IGNORECASE):
            kind = re.search(r"""type\s*=\s*["']?([^"'\s>]+)""", attributes, re.IGNORECASE)
            if kind is None or kind.group(1).lower() not in ("application/json", "application/ld+json"):
                found.append(f"inline <script{attributes}>")
    found += [f"{m.group(1)}= handler attribute" for m in HANDLER.finditer(text)]
    found += ["javascript: URL" for _ in JS_URL.finditer(text)]
    found += ["htmx inline script (hx-on / js: values)" for _ in HTMX_INLINE.finditer(text)]
    return found


def test_it_finds_the_templates():
    names = {path.name for path in template_files()}
    assert "base.html" in names and len(names) > 20


def test_no_template_has_inline_script():
    problems = {
        str(path.relative_to(ROOT)): found
        for path in template_files()
        if (found := violations(path.read_text(encoding="utf-8")))
    }
    assert problems == {}, "move these to a static .js file (CSP script-src 'self'): " + repr(problems)


def test_the_scanner_catches_each_kind_of_inline_script():
    assert violations("<script>alert(1)</script>")
    assert violations('<SCRIPT type="text/javascript">x()</SCRIPT>')
    assert violations('<button type="button" onclick="go()">Đi</button>')
    assert violations('<body\n  onload="init()">')
    assert violations('<a href="javascript:void(0)">x</a>')
    assert violations('<div hx-on:click="alert(1)"></div>')
    assert not violations('<script src="/static/portal/session.js" defer></script>')
    assert not violations('<script id="data" type="application/json">{"a": 1}</script>')
    assert not violations('<p>Tiếp tục (one="two")</p><input name="online" value="x">')
