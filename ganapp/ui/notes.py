"""What a tab says about its model: whether its weights are there, how well it does (from the stored
measurements, plain words first), its stored figures, and how it works."""
from __future__ import annotations

import gradio as gr

import ganapp
from ganapp import hub
from ganapp.messages import render
from ganapp.registry import spec

from .handlers import on_zero_gpu
from .i18n import t, translatable


def availability_note(*names: str) -> None:
    """A plain message at the top of a tab when its weights cannot be found, or when a measured setting stored
    beside them could not be fetched from the Hub (the model then runs with its defaults); nothing otherwise.
    The weights are found here (on disk, or downloaded) and loaded when the tab first uses them; on a ZeroGPU Space,
    loaded here, as its documentation asks: its GPU handlers run in forked workers, which would each load anew."""
    missing, degraded = [], []
    for name in names:
        try:
            ganapp.load(name) if on_zero_gpu() else hub.resolve(name)
        except ganapp.WeightsUnavailable as e:
            missing.append(str(e))
        degraded += [f"{name}/{problem}" for problem in hub.hub_problems(name)]
    if missing:
        gr.Markdown(t("common.unavailable", reasons=" ".join(missing)))
    if degraded:
        gr.Markdown(t("common.settings_unavailable", files="; ".join(degraded)))


def quality_note(name: str) -> None:
    """What the model does and how well, in one plain sentence first (quality.json's `plain`, written by
    `python -m ganapp.reports` from the evaluation's metrics); the figures, what is below target and the model
    card one click away, in a collapsed panel. In the page's language."""
    try:
        judged = hub.quality(name)
    except ganapp.WeightsUnavailable:
        return
    if not judged:
        return
    if "plain" in judged:
        gr.Markdown(translatable(f"plain.{name}", judged["plain"]), elem_classes="plain-quality")
    card = f"https://huggingface.co/{spec(name).repo_id}"
    text = {}
    for lang, line in judged["line"].items():
        below = render("common.list_separator", lang).join(judged["below_target"].get(lang, []))
        text[lang] = render("common.measured_line", lang, line=line, card=card) + (
            "  \n" + render("common.below_line", lang, below=below) if below else "")
    below = judged["below_target"].get("en")
    title = "common.measured_quality" if below else "common.measured"
    with gr.Accordion(t(title), open=False, elem_classes="quality-note"):
        gr.Markdown(translatable(f"quality.{name}", text))


def stored_figure(name: str, filename: str) -> str | None:
    """The path of a picture an evaluation stored beside model `name`'s weights (for a gr.Image), None when the
    weights or the picture are missing."""
    try:
        path = hub.resolve(name) / filename
    except ganapp.WeightsUnavailable:
        return None
    return str(path) if path.is_file() else None


def how_it_works(text: str) -> None:
    with gr.Accordion(t("common.how_it_works"), open=False):
        gr.Markdown(text)
