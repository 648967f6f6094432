"""The interface's words in English and Simplified Chinese: one file per language
(ganapp/ui/locales/<locale>.json), served through Gradio's own gr.I18n. The browser's language picks
one; English is the fallback. Components take `t("key")` where they would take a literal string.
"""
from __future__ import annotations

import json
from pathlib import Path

import gradio as gr

LOCALES = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("en", "zh-CN")


def strings(locale: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{locale}.json").read_text(encoding="utf-8"))


I18N = gr.I18n(**{locale: strings(locale) for locale in LANGUAGES})


def t_or(key: str, fallback: str):
    """`t(key)` when the key exists, else `fallback` as it is (a family added without translations)."""
    return I18N(key) if key in I18N.translations["en"] else fallback


def t(key: str):
    """The translatable text `key` (a KeyError here, not a blank on screen, when it does not exist)."""
    if key not in I18N.translations["en"]:
        raise KeyError(f"no English text for {key!r} in {LOCALES / 'en.json'}")
    return I18N(key)
