"""The "Compare objectives" section of the "Train a GAN" tab: the same noise through the generator
each objective trained, the measured table and the validation curves — all read from the files the
evaluation wrote beside the weights."""
from __future__ import annotations

import math

import gradio as gr
import pandas as pd

import ganapp

from ...checks import MAX_SEED, check_int
from ...hub import beside_weights
from ...messages import LANGUAGES
from ...ui.controls import pixel_image, seed_control
from ...ui.handlers import POOL, handler, imported_when_used
from ...ui.i18n import t, translatable
from ...ui.notes import quality_note
from . import SHIPPED_OBJECTIVES, checkpoint_name
from .table import comparison_table

inference = imported_when_used(f"{__package__}.inference")   # imports torch: on first use, not at start


@handler(models=POOL)
def compare(seed):
    """One 8x8 grid per objective from the same noise; an objective without weights shows nothing."""
    seed = check_int("seed", seed, 0, MAX_SEED)
    grids = []
    for objective in SHIPPED_OBJECTIVES:
        try:
            grids.append(inference.objective_samples(objective, seed))
        except ganapp.WeightsUnavailable:
            grids.append(None)
    return tuple(grids)


@handler(models=POOL)
def objective_samples(objective, seed):
    return inference.objective_samples(objective, seed)


def stored_comparison() -> dict:
    """The comparison's figures as the evaluation stored them beside the generators (the same in each)."""
    for objective in SHIPPED_OBJECTIVES:
        try:
            stored = beside_weights(checkpoint_name(objective), "metrics.json")
        except ganapp.WeightsUnavailable:
            continue
        if stored:
            return stored
    return {"objectives": {}}


def _curves() -> pd.DataFrame:
    stored = stored_comparison()
    return pd.DataFrame([{"step": step, "log10 FD": math.log10(fd), "objective": o}
                         for o, f in stored["objectives"].items() for step, fd in f.get("validation_curve", [])],
                        columns=["step", "log10 FD", "objective"])


def _table():
    """The measured comparison in the visitor's language, rebuilt from the stored figures (metrics.json)."""
    stored = stored_comparison()
    if not stored["objectives"]:
        return t("objectives.not_measured")
    return translatable("objectives.measured", {lang: comparison_table(stored, lang) for lang in LANGUAGES})


def build_comparison(demo: gr.Blocks) -> None:
    gr.Markdown(t("objectives.heading"))
    quality_note(checkpoint_name(SHIPPED_OBJECTIVES[0]))
    seed = seed_control("objectives")
    with gr.Row():
        # Each 8x8 grid at about its own size (224 px: digits at 28 px), four to a row on a desktop, one on a phone;
        # no corner buttons over the objective's name.
        images = [pixel_image(o, height=240, min_width=240, buttons=[]) for o in SHIPPED_OBJECTIVES]
    with gr.Accordion(t("objectives.table"), open=False):
        gr.Markdown(_table(), elem_id="objectives-table")
        gr.LinePlot(_curves(), x="step", y="log10 FD", color="objective", title=t("objectives.curves"), height=300,
                    x_title=t("gantrain.axis_step"), y_title=t("objectives.axis_fd"), color_title=t("objectives.legend"))
    gr.on([demo.load, seed.change], compare, inputs=seed, outputs=images, api_name="objectives_compare",
          api_visibility="private", show_progress="hidden")
    # The public endpoint: /objective_samples(objective, seed) -> one 8x8 grid.
    objective = gr.Dropdown(list(SHIPPED_OBJECTIVES), value=SHIPPED_OBJECTIVES[0], visible=False)
    result = gr.Image(visible=False, type="pil", format="png")
    objective.change(objective_samples, inputs=[objective, seed], outputs=result, api_name="objective_samples")
