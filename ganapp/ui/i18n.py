"""The interface's words in English and Simplified Chinese (ganapp/locales/<locale>.json, see
ganapp.messages), served through Gradio's own gr.I18n. The browser's language picks one; English is the
fallback; `?lang=zh-CN` or `?lang=en` in the address forces one (ForceLanguage).
Components take `t("key")` where they would take a literal string, `t("key", n=3)` for a text with figures
fixed when the app is built; handlers return `messages.say("key", n=3)`, rendered by `language(request)`.
"""
from __future__ import annotations

import hashlib
import json
from urllib.parse import parse_qs

import gradio as gr

from ..messages import LANGUAGES, LOCALES, Text, language_of, render, strings

# A copy per language: texts registered at build time (`translatable`) must not leak into `strings`.
I18N = gr.I18n(**{locale: dict(strings(locale)) for locale in LANGUAGES})


def t_or(key: str, fallback: str):
    """`t(key)` when the key exists, else `fallback` as it is (a family added without translations)."""
    return I18N(key) if key in I18N.translations["en"] else fallback


def translatable(key: str, texts: dict[str, str]):
    """A text known only when the app is built (e.g. a measured figure), in the languages given (English
    required): registered under `key` with gr.I18n before launch, so the browser picks the language as for
    every other string."""
    for locale, text in texts.items():
        I18N.translations[locale][key] = text
    return I18N(key)


def t(key: str, **params):
    """The translatable text `key` (a KeyError here, not a blank on screen, when it does not exist).
    With `params`, the text with those values filled in, in every language, registered at build time."""
    if key not in strings("en"):
        raise KeyError(f"no English text for {key!r} in {LOCALES / 'en.json'}")
    if not params:
        return I18N(key)
    texts = {lang: render(key, lang, **params) for lang in LANGUAGES}
    # Named by a digest of its texts: the browser finds keys by plain names (no braces, quotes or spaces).
    digest = hashlib.sha1(json.dumps(texts, sort_keys=True).encode()).hexdigest()[:12]
    return translatable(f"{key}_{digest}", texts)


def shown(text):
    """A `messages.Text` as a component's label or value (registered in every language); a string as it is."""
    return t(text.key, **text.params) if isinstance(text, Text) else text


def language(request: gr.Request | None) -> str:
    """The language the page of this request shows (see messages.language_of); English for API clients."""
    if request is None:
        return "en"
    headers = getattr(request, "headers", None) or {}
    query = getattr(request, "query_params", None) or {}
    return language_of(query.get("lang"), headers.get("accept-language"))


class ForceLanguage:
    """ASGI middleware for `?lang=<locale>` on the page itself: Gradio's interface takes its language from
    the browser (navigator.languages) when it starts, so the page's HTML gets, first thing in its <head>,
    a script that makes the browser report the asked-for language. Everything else passes untouched."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        lang = None
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] in ("", "/"):
            lang = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [None])[0]
        if lang not in LANGUAGES:
            return await self.app(scope, receive, send)
        script = ("<script>Object.defineProperty(navigator, 'language', {get: () => '%s'});"
                  "Object.defineProperty(navigator, 'languages', {get: () => ['%s']});</script>" % (lang, lang)).encode()
        start, chunks = None, []

        async def rewrite(message):
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            html = b"".join(chunks).replace(b"<head>", b"<head>" + script, 1)
            headers = [(k, v) for k, v in start["headers"] if k.lower() not in (b"content-length", b"etag")]
            await send({**start, "headers": headers + [(b"content-length", str(len(html)).encode())]})
            await send({"type": "http.response.body", "body": html})

        await self.app(scope, receive, rewrite)
