"""The InfoGAN tab: sliders over the codes the model discovered without labels."""
from __future__ import annotations

import gradio as gr

import ganapp

from ...checks import MAX_SEED, InvalidInput
from ...hub import beside_weights
from ...messages import Text, say, strings
from ...ui import inpage
from ...ui.controls import float_param, int_param, seed_control, share_link
from ...ui.exports import save_gif
from ...ui.handlers import POOL, handler, imported_when_used, same
from ...ui.i18n import shown, t
from ...ui.notes import availability_note, how_it_works, quality_note
from . import digit_mapping

inference = imported_when_used(f"{__package__}.inference")   # imports torch: on first use, not at start


def _measured() -> dict:
    try:
        return ganapp.generation_config("infogan")
    except ganapp.WeightsUnavailable:
        return {}


def _digit_choices() -> list[tuple[str, int]]:
    """'7 → category 4, 98%': the category the app uses for each digit (left out where it is the digit's own)
    and how often the evaluator reads its samples as that digit, both from the stored measurements."""
    try:
        mapping = digit_mapping()
    except ganapp.WeightsUnavailable:
        mapping = None
    accuracy = _measured().get("picked_accuracy_per_digit")
    if mapping is None:
        return [(str(d), d) for d in range(10)]
    if mapping == list(range(10)):  # categories already in digit order (trained with a few labels)
        return [(t("infogan.choice_same", digit=d, percent=100 * accuracy[d]) if accuracy else str(d), d)
                for d in range(10)]
    if not accuracy:
        return [(t("infogan.choice", digit=d, category=mapping.index(d)), d) for d in range(10)]
    return [(t("infogan.choice_measured", digit=d, category=mapping.index(d), percent=100 * accuracy[d]), d)
            for d in range(10)]


def _categories_of_digits() -> list[int] | None:
    """category_of_digit[d]: the categorical code value the app uses for digit d (for the page's own drawing);
    None when not measured (the server then refuses to draw, and so does the page)."""
    try:
        mapping = digit_mapping()
    except ganapp.WeightsUnavailable:
        mapping = None
    return [mapping.index(d) for d in range(10)] if mapping else None


def _code_rho(index: int, name: str) -> float | None:
    """|Spearman ρ| of code `index` with the measure it is named for, in the stored evaluation (None: unmeasured)."""
    try:
        return abs(beside_weights("infogan", "metrics.json")[f"spearman_{name}"][index])
    except (ganapp.WeightsUnavailable, KeyError, IndexError, TypeError):
        return None


def _unclear(index: int, name: str) -> bool:
    """The code controls nothing measurable: |ρ| with its named measure under 0.5."""
    rho = _code_rho(index, name)
    return rho is not None and rho < 0.5


def _code_label(index: int, name: str):
    """A slider's label: the code and what it was found to control, or plainly that it controls nothing
    measurable."""
    code = f"c{index + 1}"
    if _unclear(index, name):
        return t("infogan.code_unclear", code=code, name=_code_text(name), rho=_code_rho(index, name))
    return t("infogan.code_slider", code=code, name=_code_text(name))


def _code_choice(index: int, name: str):
    """The traversal's name for a code, agreeing with its slider's label (#34 item 8)."""
    return t("infogan.code_choice_unclear", code=f"c{index + 1}") if _unclear(index, name) else shown(_code_text(name))


def _code_names() -> list[str]:
    """What the evaluation found each continuous code controls ("slant", "width", ...), else "code 1", "code 2"."""
    names = _measured().get("continuous_names", [])
    return names if len(names) == 2 else ["code 1", "code 2"]


def _code_text(name: str) -> Text | str:
    """A code's name in the visitor's language where the locales know it (a measured name may be new)."""
    return say(f"infogan.code.{name}") if f"infogan.code.{name}" in strings("en") else name


@handler(models=POOL)
def infogan_generate(digit, c1, c2, seed):
    return inference.infogan_generate(digit, c1, c2, seed)


@handler(models=POOL)
def infogan_noise(seed) -> list[float]:
    """The noise of `seed`, for the page that draws the samples itself (the server stays the only source)."""
    return inference.infogan_noise(seed)


@handler(models=POOL)
def traversal(code_name, seed):
    names = _code_names()
    if code_name not in names:
        raise InvalidInput("check.choice", name="code", choices=", ".join(map(repr, names)))
    code = names.index(code_name)
    image, frames = inference.infogan_traversal(code, seed)
    return image, str(save_gif(frames, f"infogan_sweep_{code_name}", 120))


def build(demo: gr.Blocks) -> dict:
    availability_note("infogan")
    quality_note("infogan")
    names = _code_names()
    with gr.Row():
        # The picture comes first: on a phone the columns stack, and it stays above the sliders.
        with gr.Column(scale=1, min_width=240):
            image = gr.Image(label=t("infogan.sample"), type="pil", format="png", height=336, interactive=False,
                             elem_id="infogan-sample", elem_classes="pixelated")
            # The page draws the sample itself where it can (ui/inpage.py); the server's picture then steps aside.
            categories = _categories_of_digits()
            in_page = inpage.view("infogan", "infogan", {"generator": "infogan"}, [infogan_noise],
                                  label=inpage.texts("infogan.sample"), server_image="infogan-sample",
                                  category_of_digit=categories, value_range=[-1, 1],
                                  fallback_note=inpage.texts("common.drawn_by_server")) if categories else None
        with gr.Column(scale=1):
            digit = gr.Radio(_digit_choices(), value=7, label=t("infogan.digit"))
            c1 = gr.Slider(-2, 2, value=0, step=0.05, label=_code_label(0, names[0]))
            c2 = gr.Slider(-2, 2, value=0, step=0.05, label=_code_label(1, names[1]))
            seed = seed_control("infogan")
    inpage.wire("infogan", in_page, [demo.load, digit.change, c1.change, c2.change, seed.change], infogan_generate,
                [digit, c1, c2, seed], image, "infogan_generate", show_progress="hidden")
    with gr.Accordion(t("infogan.traversal"), open=False) as traversal_panel:
        with gr.Row():
            code = gr.Radio([(_code_choice(i, n), n) for i, n in enumerate(names)], value=names[0],
                            label=t("infogan.code"))
            sweep_button = gr.Button(t("infogan.sweep"))
        with gr.Row():
            sweep = gr.Image(label=t("infogan.sweep_grid"), type="pil", format="png",
                             interactive=False, elem_classes="pixelated")
            animation = gr.Image(label=t("infogan.sweep_animated"), type="filepath", interactive=False,
                                 elem_id="infogan-gif", elem_classes="pixelated")
        gif = gr.File(label=t("common.download_gif"), interactive=False)
    # Drawn when the panel opens (no empty frames), and again on Sweep: not at page load, which runs no model.
    gr.on([traversal_panel.expand, sweep_button.click], traversal, inputs=[code, seed], outputs=[sweep, animation],
          api_name="infogan_traversal", api_visibility="private").success(same, inputs=animation, outputs=gif,
                                                         api_visibility="private", show_progress="hidden")
    how_it_works(t("infogan.explanation", categories=len(_measured().get("category_to_digit", [])) or 10))
    return share_link("infogan", {"digit": int_param(digit, 0, 9, "digit"), "c1": float_param(c1, -2, 2, "c1"),
                                  "c2": float_param(c2, -2, 2, "c2"), "seed": int_param(seed, 0, MAX_SEED, "seed")})
