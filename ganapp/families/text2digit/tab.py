"""The Text to digit tab: describe a digit in English or Chinese, get it drawn; move between two descriptions."""
from __future__ import annotations

import gradio as gr

from ... import WeightsUnavailable
from ...checks import MAX_SEED, check_text
from ...ui.common import (
    POOL,
    LinkParam,
    availability_note,
    handler,
    how_it_works,
    int_param,
    quality_note,
    runs_no_model,
    seed_control,
    share_link,
)
from ...ui.i18n import language, t
from . import inference
from .inference import EXAMPLES, MAX_TEXT

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
def generate(text, count, seed):
    return inference.text_to_digit(text, count, seed)


@handler(models=POOL)
def interpolate(text_a, text_b, seed):
    return inference.text_interpolate(text_a, text_b, seed)


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
            samples = gr.Image(label=t("text2digit.samples"), type="pil", format="png", height=420, interactive=False,
                               elem_id="text2digit-samples", elem_classes="pixelated")
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
    gr.on([text.submit, draw.click, count.change, seed.change], generate, inputs=inputs, outputs=samples,
          api_name="text_to_digit", trigger_mode="always_last", show_progress="minimal")
    prompt_set.then(generate, inputs=inputs, outputs=samples, api_visibility="private")    # the first drawing
    examples.load_input_event.then(generate, inputs=inputs, outputs=samples, api_visibility="private")  # click = draw
    gr.on([text.change], reading, inputs=text, outputs=note, api_name="text2digit_reading",
          api_visibility="private", show_progress="hidden")
    prompt_set.then(reading, inputs=text, outputs=note, api_visibility="private", show_progress="hidden")
    with gr.Accordion(t("text2digit.between"), open=True):
        with gr.Row():
            text_a = gr.Textbox(value=MORPH_EXAMPLES[0], label=t("text2digit.from"), max_length=MAX_TEXT)
            text_b = gr.Textbox(value=MORPH_EXAMPLES[1], label=t("text2digit.to"), max_length=MAX_TEXT)
        morph = gr.Button(t("text2digit.morph"))
        strip = gr.Image(show_label=False, type="pil", format="png", interactive=False, elem_classes="pixelated")
    gr.on([demo.load, text_a.submit, text_b.submit, morph.click, seed.change], interpolate, inputs=[text_a, text_b, seed],
          outputs=strip, api_name="text_interpolate", api_visibility="private", trigger_mode="always_last")
    how_it_works(t("text2digit.explanation"))
    return share_link("text2digit", {"text": LinkParam(text, lambda raw: check_text("text", raw, MAX_TEXT)),
                                     "count": int_param(count, 1, 64, "count"),
                                     "seed": int_param(seed, 0, MAX_SEED, "seed")})
