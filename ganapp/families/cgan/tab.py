"""The Conditional GAN tab: pick a digit, get samples of exactly it."""
from __future__ import annotations

import gradio as gr

from ...checks import MAX_SEED
from ...ui import inpage
from ...ui.controls import int_param, pixel_image, seed_control, share_link
from ...ui.handlers import POOL, handler, imported_when_used
from ...ui.i18n import t
from ...ui.notes import availability_note, how_it_works, quality_note
from . import MAX_COUNT

inference = imported_when_used(f"{__package__}.inference")   # imports torch: on first use, not at start


@handler(models=POOL)
def cgan_generate(digit, count, seed):
    return inference.cgan_generate(digit, count, seed)


@handler(models=POOL)
def cgan_noise(seed) -> list[list[float]]:
    """A seed's noise, scaled, for the page that draws the samples itself."""
    return inference.cgan_noise(seed)


@handler(models=POOL)
def all_digits(seed):
    return inference.cgan_all_digits(seed)


def build(demo: gr.Blocks) -> dict:
    availability_note("cgan")
    quality_note("cgan")
    with gr.Row():
        with gr.Column(scale=2, min_width=240):  # first: above the controls when a phone stacks them
            samples = pixel_image(t("cgan.samples"), height=420, elem_id="cgan-samples")
            in_page = inpage.view("cgan", "cgan", {"generator": "cgan"}, [cgan_noise],
                                  label=inpage.texts("cgan.samples"), server_image="cgan-samples", value_range=[-1, 1],
                                  max_count=MAX_COUNT,
                                  fallback_note=inpage.texts("common.drawn_by_server"))
        with gr.Column(scale=1):
            digit = gr.Radio(list(range(10)), value=3, label=t("cgan.digit"))
            count = gr.Slider(1, MAX_COUNT, value=16, step=1, label=t("cgan.count"))
            seed = seed_control("cgan")
    inpage.wire("cgan", in_page, [demo.load, digit.change, count.change, seed.change], cgan_generate, [digit, count, seed],
                samples, "cgan_generate", show_progress="minimal")
    with gr.Accordion(t("cgan.all_digits"), open=True):
        grid_button = gr.Button(t("cgan.redraw"))
        grid = gr.Image(label=t("cgan.grid"), type="pil", format="png", interactive=False, height=520,
                        elem_classes="pixelated")
    gr.on([demo.load, grid_button.click, seed.change], all_digits, inputs=seed, outputs=grid,
          api_name="cgan_all_digits", api_visibility="private", trigger_mode="always_last")
    how_it_works(t("cgan.explanation"))
    return share_link("cgan", {"digit": int_param(digit, 0, 9, "digit"), "count": int_param(count, 1, MAX_COUNT, "count"),
                               "seed": int_param(seed, 0, MAX_SEED, "seed")})
