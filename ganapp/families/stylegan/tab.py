"""The StyleGAN tab: the style-mixing grid, the truncation trick and stochastic variation, live."""
from __future__ import annotations

import json

import gradio as gr

from ...checks import MAX_SEED
from ...hub import local_folder
from ...ui import inpage
from ...ui.controls import choice_param, float_param, int_param, pixel_image, seed_control, share_link
from ...ui.handlers import POOL, handler, imported_when_used
from ...ui.i18n import t
from ...ui.notes import availability_note, how_it_works, quality_note
from . import LEVELS, MAX_PSI

inference = imported_when_used(f"{__package__}.inference")   # imports torch: on first use, not at start


@handler(models=POOL)
def stylegan_mix(seed_a, seed_b, level, psi):
    return inference.stylegan_mix(seed_a, seed_b, level, psi)


@handler(models=POOL)
def mixing_grid(seed_a, seed_b, level, psi):
    return inference.mixing_grid(seed_a, seed_b, level, psi)


def stylegan_seed(seed) -> list[float]:
    """A seed's z and noise, for the page that draws the mixes itself (the server stays the only source)."""
    return inference.seed_inputs(seed)


def _view(tab: str, part: str, server_image: str, label: str):
    """The canvas where the page draws `part` ("cell": one mix; "grid": the mixing grid) itself (ui/inpage.py)."""
    config_file = local_folder("stylegan") / "config.json"   # beside the model.onnx the view serves
    if not config_file.is_file():
        return None
    config = json.loads(config_file.read_text())
    return inpage.view(tab, "stylegan", {"generator": "stylegan"}, [stylegan_seed], part=part,
                       label=inpage.texts(label), server_image=server_image, z_dim=config["z_dim"],
                       levels={name: list(blocks) for name, blocks in LEVELS.items()}, blocks=len(config["channels"]),
                       max_seed=MAX_SEED, value_range=[-1, 1], fallback_note=inpage.texts("common.drawn_by_server"))


@handler(models=POOL)
def truncation(seed_a):
    return inference.truncation_strip(seed_a)


@handler(models=POOL)
def variation(seed_a, psi, levels):
    return inference.stochastic_variation(seed_a, psi, levels)


def build(demo: gr.Blocks) -> dict:
    availability_note("stylegan")
    quality_note("stylegan")
    with gr.Row():
        with gr.Column(scale=2, min_width=260):
            grid = pixel_image(t("stylegan.grid"), elem_id="stylegan-grid")
            # Both pictures are drawn in the page where it can run the model; the server's then step aside.
            grid_view = _view("stylegan-mixing", "grid", "stylegan-grid", "stylegan.grid")
        with gr.Column(scale=1, min_width=220):
            cell = pixel_image(t("stylegan.cell"), height=170, elem_id="stylegan-cell")
            cell_view = _view("stylegan", "cell", "stylegan-cell", "stylegan.cell")
            level = gr.Radio([(t("stylegan.coarse"), "coarse"), (t("stylegan.middle"), "middle"),
                              (t("stylegan.fine"), "fine")], value="coarse", label=t("stylegan.level"))
            psi = gr.Slider(0, MAX_PSI, value=1.0, step=0.05, label=t("stylegan.psi"), info=t("stylegan.psi_info"))
            seed_a = seed_control("stylegan_a", label=t("stylegan.seed_a"), button=t("stylegan.new_a"))
            seed_b = seed_control("stylegan_b", value=100, label=t("stylegan.seed_b"), button=t("stylegan.new_b"))
    inputs = [seed_a, seed_b, level, psi]
    triggers = [demo.load, seed_a.change, seed_b.change, level.change, psi.change]
    inpage.wire("stylegan", cell_view, triggers, stylegan_mix, inputs, cell, "stylegan_mix", show_progress="minimal")
    inpage.wire("stylegan-mixing", grid_view, triggers, mixing_grid, inputs, grid, None, show_progress="minimal")
    with gr.Accordion(t("stylegan.truncation"), open=True):
        strip = pixel_image(show_label=False)
    gr.on([demo.load, seed_a.change], truncation, inputs=seed_a, outputs=strip, api_name="stylegan_truncation",
          api_visibility="private", trigger_mode="always_last")
    with gr.Accordion(t("stylegan.variation"), open=True):
        noise_levels = gr.CheckboxGroup([(t("stylegan.coarse"), "coarse"), (t("stylegan.middle"), "middle"),
                                         (t("stylegan.fine"), "fine")], value=list(LEVELS), label=t("stylegan.noise_on"))
        with gr.Row():
            draws = pixel_image(t("stylegan.draws"), scale=3)
            std_map = pixel_image(t("stylegan.std"), scale=1)
    # The variation (64 draws on the server) follows ψ when the slider is let go: dragging it asks the server nothing.
    gr.on([demo.load, seed_a.change, psi.release, noise_levels.change], variation, inputs=[seed_a, psi, noise_levels],
          outputs=[draws, std_map], api_name="stylegan_variation", api_visibility="private", trigger_mode="always_last")
    how_it_works(t("stylegan.explanation"))
    return share_link("stylegan", {"seed_a": int_param(seed_a, 0, MAX_SEED, "seed_a"),
                                   "seed_b": int_param(seed_b, 0, MAX_SEED, "seed_b"),
                                   "level": choice_param(level, tuple(LEVELS), "level"),
                                   "psi": float_param(psi, 0.0, MAX_PSI, "psi")})
