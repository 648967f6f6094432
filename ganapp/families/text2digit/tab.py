"""The Text to digit tab: describe a digit in English or Chinese, get it drawn; move between two descriptions.

Its handlers import torch themselves: the page is built before torch is imported (ui.handlers.imported_when_used)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import gradio as gr

from ... import WeightsUnavailable, load
from ...checks import MAX_SEED, InvalidInput, check_float, check_text
from ...images import to_pil
from ...ui import inpage
from ...ui.controls import LinkParam, int_param, pixel_image, seed_control, share_link
from ...ui.handlers import POOL, handler, imported_when_used, runs_no_model
from ...ui.i18n import language, t
from ...ui.notes import availability_note, how_it_works, quality_note
from . import EXAMPLES, MAX_TEXT, STRIP_STEPS

if TYPE_CHECKING:
    import torch

inference = imported_when_used(f"{__package__}.inference")   # imports torch: on first use, not at start

MORPH_EXAMPLES = ("a thin 7 leaning left", "一个向右倾斜的粗体7")  # one English, one Chinese: both are read
CHINESE_EXAMPLE = next(e for e in EXAMPLES if not e.isascii())


class DescriptionBox(gr.Textbox):
    """gr.Textbox whose example on the "Use via API" page is a description the model can draw (not "Hello!!")."""

    def get_block_name(self) -> str:
        return "textbox"  # the stock front end

    def example_payload(self):
        return EXAMPLES[0]

    def example_value(self):
        return EXAMPLES[0]


@handler(models=POOL)
def text_to_digit(text, count, seed):
    return inference.text_to_digit(text, count, seed)


@handler(models=POOL)
def morph_ends(text_a, text_b, seed):
    """What the strip between two descriptions is made of, as the page holds it (a JSON list of three lists): its
    noise and the two sentence embeddings. The page decodes the strip and the frame at t from them itself where it
    can (`strip_of`, `frame_at` draw them here otherwise)."""
    z, ends = inference.morph_ends(text_a, text_b, seed)
    return [z.tolist(), *ends.tolist()]


def _check_ends(ends) -> tuple[torch.Tensor, torch.Tensor]:
    """The strip's noise and two embeddings as the page holds them: (z_dim,), (2, text_dim)."""
    import torch

    config = load("text2digit").config
    try:
        z, a, b = (torch.tensor(part, dtype=torch.float32) for part in ends)
    except (TypeError, ValueError):
        z = a = b = None
    shapes_fit = z is not None and z.shape == (config.z_dim,) and a.shape == b.shape == (config.text_dim,)
    if not shapes_fit or not all(torch.isfinite(x).all() for x in (z, a, b)):
        raise InvalidInput("text2digit.bad_ends", z_dim=config.z_dim, text_dim=config.text_dim)
    return z, torch.stack([a, b])


@handler(models=POOL)
def strip_of(ends):
    """The strip between the two descriptions: what the page draws, on the server."""
    if not ends:   # asked before the descriptions were read (the page falls back at once): nothing to draw yet
        return gr.skip()
    z, pair = _check_ends(ends)
    return inference.strip_image(inference.decode_between(z, pair, inference.strip_positions()))


@handler(models=POOL)
def frame_at(ends, t):
    """The digit at fraction t of the way between the two descriptions: what the page draws, on the server."""
    if not ends:
        return gr.skip()
    import torch

    t = check_float("t", t, 0, 1)
    z, pair = _check_ends(ends)
    return to_pil(inference.decode_between(z, pair, torch.tensor([t]))[0], (-1.0, 1.0), scale=8)


@runs_no_model
def local_prompt(request: gr.Request):
    """The first description in the page's language (a Chinese page starts with a Chinese one), unless a link
    sets the description. (A gr.I18n value would send its raw marker to the handlers, not the translation.)"""
    if language(request) != "zh-CN" or "text" in (getattr(request, "query_params", None) or {}):
        return gr.skip()
    return CHINESE_EXAMPLE


@handler(models=None)  # parses the text against the model's vocabulary; runs no network
def reading(text):
    try:
        return inference.reading(text)
    except WeightsUnavailable:  # the tab's availability note already says so
        return ""


def build(demo: gr.Blocks) -> dict:
    availability_note("text2digit")
    quality_note("text2digit")
    with gr.Row():
        with gr.Column(scale=2, min_width=240):
            samples = pixel_image(t("text2digit.samples"), height=420, elem_id="text2digit-samples")
        with gr.Column(scale=1):
            text = DescriptionBox(value=EXAMPLES[0], label=t("text2digit.text"), info=t("text2digit.text_info"),
                              max_length=MAX_TEXT, lines=1, elem_id="text2digit-text")
            note = gr.Markdown(elem_id="text2digit-note")
            draw = gr.Button(t("text2digit.draw"), variant="primary")
            count = gr.Slider(1, 64, value=16, step=1, label=t("text2digit.count"))
            seed = seed_control("text2digit")
            examples = gr.Examples([[e] for e in EXAMPLES], inputs=text, label=t("text2digit.examples"))
    inputs = [text, count, seed]
    prompt_set = demo.load(local_prompt, outputs=text, api_name="text2digit_local_prompt", api_visibility="private",
                           show_progress="hidden")
    gr.on([text.submit, draw.click, count.change, seed.change], text_to_digit, inputs=inputs, outputs=samples,
          api_name="text_to_digit", trigger_mode="always_last", show_progress="minimal")
    prompt_set.then(text_to_digit, inputs=inputs, outputs=samples, api_visibility="private")    # the first drawing
    examples.load_input_event.then(text_to_digit, inputs=inputs, outputs=samples, api_visibility="private")  # click = draw
    gr.on([text.change], reading, inputs=text, outputs=note, api_name="text2digit_reading",
          api_visibility="private", show_progress="hidden")
    prompt_set.then(reading, inputs=text, outputs=note, api_visibility="private", show_progress="hidden")
    with gr.Accordion(t("text2digit.between"), open=True):
        with gr.Row():
            text_a = gr.Textbox(value=MORPH_EXAMPLES[0], label=t("text2digit.from"), max_length=MAX_TEXT)
            text_b = gr.Textbox(value=MORPH_EXAMPLES[1], label=t("text2digit.to"), max_length=MAX_TEXT)
        morph = gr.Button(t("text2digit.morph"))
        strip = pixel_image(show_label=False, elem_id="text2digit-strip")
        strip_page = inpage.view("text2digit-strip", "text2digit", {"generator": "text2digit"}, [], kind="strip",
                                 label=inpage.texts("text2digit.between"), server_image="text2digit-strip",
                                 value_range=[-1, 1], steps=STRIP_STEPS,
                                 fallback_note=inpage.texts("common.drawn_by_server"))
        with gr.Row():
            # (each at least 300 px wide: on a phone the digit goes below the slider, full width)
            position = gr.Slider(0, 1, value=0.5, step=0.01, label=t("text2digit.t"), min_width=300)
            at_t = pixel_image(t("text2digit.at_t"), height=240, elem_id="text2digit-at-t", min_width=300)
            morph_page = inpage.view("text2digit-morph", "text2digit", {"generator": "text2digit"}, [], kind="frame",
                                     label=inpage.texts("text2digit.at_t"), server_image="text2digit-at-t",
                                     value_range=[-1, 1], fallback_note=inpage.texts("common.drawn_by_server"))
        ends = gr.JSON(visible=False, label="ends")   # the strip's noise and two embeddings
    # The server reads the two descriptions (its text encoder); the page decodes the strip and the frame at t from
    # what it sends, the frame again on every move of the slider (the server draws them where the page cannot).
    gr.on([demo.load, text_a.submit, text_b.submit, morph.click, seed.change], morph_ends, inputs=[text_a, text_b, seed],
          outputs=ends, api_name="text2digit_morph_ends", api_visibility="private", trigger_mode="always_last")
    inpage.wire("text2digit-strip", strip_page, [ends.change], strip_of, [ends], strip, None, show_progress="hidden")
    inpage.wire("text2digit-morph", morph_page, [position.change, ends.change], frame_at, [ends, position], at_t, None,
                show_progress="hidden")
    how_it_works(t("text2digit.explanation"))
    return share_link("text2digit", {"text": LinkParam(text, lambda raw: check_text("text", raw, MAX_TEXT)),
                                     "count": int_param(count, 1, 64, "count"),
                                     "seed": int_param(seed, 0, MAX_SEED, "seed")})
