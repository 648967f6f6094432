"""The Autoencoders tab: what a plain autoencoder is for. Denoising (a DAE against two classic filters),
compression (autoencoders against PCA, code size by code size) and three 2-d codes side by side."""
from __future__ import annotations

import math

import gradio as gr

import ganapp

from ...checks import MAX_SEED
from ...hub import beside_weights
from ...messages import Text, say
from ...ui.controls import choice_param, float_param, int_param, pixel_image, seed_control, share_link
from ...ui.handlers import POOL, handler, imported_when_used
from ...ui.i18n import t
from ...ui.notes import availability_note, how_it_works, quality_note, stored_figure
from . import CODE_SIZES, autoencoder_name

inference = imported_when_used(f"{__package__}.inference")   # imports torch: on first use, not at start

SIZES = [str(k) for k in CODE_SIZES]   # the code-size choices, as a link spells them


@handler(models=POOL)
def denoise(noise, seed):
    return inference.denoise(noise, seed)


@handler(models=POOL)
def denoise_scores(noise, seed) -> Text:
    """Under the row: each picture's name and its PSNR against the clean digit, in the row's order."""
    _, scores = inference.denoised(noise, seed)
    return say("ae.scores", **{name: ("—" if math.isinf(score) else f"{score:.1f} dB") for name, score in scores.items()})


@handler(models=POOL)
def compressed(size):
    return inference.compressed(size)


def _knn_line():
    """How well each 2-d code separates the digits, from the stored evaluation (built once, in every language)."""
    try:
        knn = beside_weights("pca", "metrics.json").get("knn_2d")
    except ganapp.WeightsUnavailable:
        knn = None
    if not knn:
        return t("ae.maps_unmeasured")
    return t("ae.maps_figures", pca=100 * knn["pca"], ae=100 * knn["ae2d"], vae=100 * knn["vae2d"])


def build(demo: gr.Blocks) -> dict:
    availability_note("dae", *(autoencoder_name(k) for k in CODE_SIZES), "pca")
    quality_note("dae")

    gr.Markdown(t("ae.denoise_heading"))
    with gr.Row():
        noise = gr.Slider(0, 1, value=0.5, step=0.05, label=t("ae.noise"), info=t("ae.noise_info"))
    seed = seed_control("denoise")
    row = pixel_image(t("ae.row"), elem_id="dae-row")
    scores = gr.Markdown(elem_id="dae-scores")
    # The public endpoint: exactly the documented inputs; the PSNR line follows it in the page.
    gr.on([demo.load, noise.change, seed.change], denoise, inputs=[noise, seed], outputs=row, api_name="denoise",
          trigger_mode="always_last").success(denoise_scores, inputs=[noise, seed], outputs=scores,
                                              api_name="denoise_scores", api_visibility="private", show_progress="hidden")

    gr.Markdown(t("ae.compress_heading"))
    with gr.Row():
        with gr.Column(scale=3):
            size = gr.Radio(SIZES, value="8", label=t("ae.size"), info=t("ae.size_info"))
            reconstructions = pixel_image(t("ae.reconstructions"), elem_id="ae-reconstructions")
        gr.Image(value=stored_figure("pca", "mse_by_size.png"), label=t("ae.mse_plot"), show_label=False, type="filepath",
                 interactive=False, scale=2)   # the plot carries its own title
    gr.on([demo.load, size.change], compressed, inputs=size, outputs=reconstructions, api_name="ae_compressed",
          api_visibility="private", trigger_mode="always_last", show_progress="hidden")

    gr.Markdown(t("ae.maps_heading"))
    gr.Markdown(_knn_line())
    gr.Image(value=stored_figure("pca", "maps_2d.png"), label=t("ae.maps"), show_label=False, type="filepath", interactive=False)
    how_it_works(t("ae.explanation"))
    return share_link("autoencoders", {"noise": float_param(noise, 0, 1, "noise"),
                                       "seed": int_param(seed, 0, MAX_SEED, "seed"),
                                       "size": choice_param(size, SIZES, "size")})
