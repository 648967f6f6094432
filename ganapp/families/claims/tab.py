"""The "Claims tested" tab: two things the GAN survey says, measured here. Do GAN-drawn digits help a classifier
that has few labels (the stored table, and one cell trained live)? Are GAN samples sharper than VAE ones?"""
from __future__ import annotations

import gradio as gr

from ...checks import MAX_SEED
from ...messages import LANGUAGE, LANGUAGES, Text, render, say
from ...ui.controls import LinkParam, choice_param, int_param, seed_control, share_link
from ...ui.handlers import TRAINING, handler, imported_when_used
from ...ui.i18n import t, translatable
from ...ui.notes import availability_note, how_it_works, quality_note, stored_figure
from . import ARMS, RESULTS, SIZES, check_cell, stored_results
from .tables import augmentation_table, sharpness_table

inference = imported_when_used(f"{__package__}.inference")   # imports torch: on first use, not at start


@handler(models=TRAINING)
def augment_run(n_labelled, arm, seed, progress=gr.Progress()):
    """The public endpoint: one cell trained live, its test accuracy and time as JSON."""
    desc = render("claims.training_progress", LANGUAGE.get())   # the visitor's language, set by `handler`
    report = lambda step, steps: progress(step / steps, desc=desc)  # noqa: E731
    return inference.augment_run(n_labelled, arm, seed, progress=report)


@handler(models=None)
def run_summary(result, n_labelled, arm, seed) -> Text:
    """Under the result: the live figure beside the stored mean of that cell and of "real digits only"."""
    n, arm, _ = check_cell(n_labelled, arm, seed)
    cells = stored_results().get("augmentation", {}).get("by_n", {}).get(str(n), {}).get("cells", {})
    stored, baseline = cells.get(f"{arm}/x1"), cells.get("none/x1")
    live = 100 * result["test_accuracy"]
    if not stored or not baseline:
        return say("claims.run_alone", accuracy=live, seconds=result["seconds"])
    return say("claims.run_beside", accuracy=live, seconds=result["seconds"], mean=100 * stored["mean"],
               sd=100 * stored["sd"], seeds=len(stored["accuracies"]), baseline=100 * baseline["mean"])


def _in_every_language(key: str, table, figures: dict):
    """A stored table, shown in the visitor's language."""
    return translatable(key, {lang: table(figures, lang) for lang in LANGUAGES})


def build(demo: gr.Blocks) -> dict:
    availability_note(*(f"claims_{kind}_n{n}" for n in SIZES for kind in ("gan", "cgan")))
    quality_note(RESULTS)
    results = stored_results()

    gr.Markdown(t("claims.augment_heading"))
    with gr.Accordion(t("claims.arms_title"), open=False):
        gr.Markdown(t("claims.arms"))
    with gr.Row():
        plot = stored_figure(RESULTS, "augmentation.png")
        gr.Image(value=plot, label=t("claims.augment_plot"), show_label=False, type="filepath", interactive=False,
                 scale=2, visible=plot is not None)
        gr.Markdown(_in_every_language("claims.augmentation_table", augmentation_table, results["augmentation"])
                    if "augmentation" in results else t("claims.unmeasured_note"))

    gr.Markdown(t("claims.live_heading"))
    with gr.Row():
        n_labelled = gr.Radio(list(SIZES), value=100, label=t("claims.n"), info=t("claims.n_info"))
        arm = gr.Dropdown([(t(f"claims.arm.{a}"), a) for a in ARMS], value="conditional", label=t("claims.arm"))
        seed = seed_control("claims", button=t("claims.new_seed"))
    run = gr.Button(t("claims.run"), variant="primary")
    result = gr.JSON(label=t("claims.result"), elem_id="claims-result")
    summary = gr.Markdown(elem_id="claims-summary")
    run.click(augment_run, inputs=[n_labelled, arm, seed], outputs=result, api_name="augment_run",
              concurrency_limit=None).success(run_summary, inputs=[result, n_labelled, arm, seed], outputs=summary,
                                              api_name="augment_summary", api_visibility="private", show_progress="hidden")

    gr.Markdown(t("claims.sharpness_heading"))
    if "sharpness" in results:
        gr.Markdown(_in_every_language("claims.sharpness_table", sharpness_table, results["sharpness"]))
    strip = stored_figure(RESULTS, "sharpness_strip.png")
    gr.Image(value=strip, label=t("claims.strip"), show_label=False, type="filepath", interactive=False,
             visible=strip is not None)
    how_it_works(t("claims.explanation"))
    size = LinkParam(n_labelled, lambda raw: check_cell(raw, ARMS[0], 0)[0])   # 100, 500 or 2000
    return share_link("claims", {"n": size,
                                 "arm": choice_param(arm, list(ARMS), "arm"),
                                 "seed": int_param(seed, 0, MAX_SEED, "seed")})
