"""Every text a visitor reads, by key, in English and Simplified Chinese: one file per language,
ganapp/locales/<locale>.json, and nowhere else.

Fixed texts are translated in the browser by Gradio (gr.I18n, see ui/i18n.py). A text with figures in it
(`{placeholders}` in the file, filled by str.format) is a `Text`: a key and its values, rendered in the
visitor's language by the handler wrapper that returns it (ui.handlers.handler), or, for texts fixed when
the app is built, registered with gr.I18n in every language. Kept free of gradio, so that input checks
(ganapp.checks) and command-line tools can raise a `Text` without importing the web stack.
"""
from __future__ import annotations

import functools
import json
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("en", "zh-CN")   # English first: the fallback, and the language of logs, the API and the command line

# The language of the visitor whose request is being handled (set by ui.handlers around each handler).
# Only for texts that are not returned whole (a plot's legend); everything returned is a `Text`.
LANGUAGE: ContextVar[str] = ContextVar("ganapp_language", default="en")


@functools.cache
def strings(locale: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{locale}.json").read_text(encoding="utf-8"))


def render(key: str, lang: str = "en", **params) -> str:
    """The text `key` in `lang` (English where that language lacks it), its placeholders filled;
    values that are `Text`s are rendered in the same language."""
    template = strings(lang).get(key) if lang in LANGUAGES else None
    if template is None:
        template = strings("en")[key]
    return template.format(**{k: v.render(lang) if isinstance(v, Text) else v for k, v in params.items()})


@dataclass(frozen=True)
class Text:
    """A text to show a visitor, not yet in any language: `key` in ganapp/locales, `params` its values."""
    key: str
    params: dict = field(default_factory=dict)

    def render(self, lang: str = "en") -> str:
        return render(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.render("en")


def say(key: str, **params) -> Text:
    """The text `key` with its values, to be rendered in the visitor's language."""
    strings("en")[key]  # a KeyError now, where the text is written, rather than when it is shown
    return Text(key, params)


def language_of(query_lang: str | None, accept_language: str | None) -> str:
    """The language a visitor's page shows: `?lang=` when the address forces one (ui.i18n.ForceLanguage),
    else the browser's first preference (the Accept-Language header) when we have it exactly, as Gradio
    picks navigator.language for our texts; else English."""
    if query_lang in LANGUAGES:
        return query_lang
    first = (accept_language or "").split(",")[0].split(";")[0].strip().lower()
    return next((lang for lang in LANGUAGES if first == lang.lower()), "en")


def markdown_table(header: list[str], rows: list[list]) -> str:
    """Rows of figures as a Markdown table (metrics.md, the README, the objectives tab)."""
    def fmt(v):
        return f"{v:.4g}" if isinstance(v, float) else str(v)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
