"""The CycleGAN tab: a photo becomes a Monet-like painting, and a painting a photo."""
from __future__ import annotations

import gradio as gr
from PIL import Image

from ...checks import InvalidInput, check_choice
from ...messages import Text, say
from ...ui.controls import LinkParam, choice_param, share_link
from ...ui.handlers import POOL, handler, imported_when_used
from ...ui.i18n import t
from ...ui.inputs import UploadImage
from ...ui.notes import availability_note, how_it_works, quality_note
from . import DIRECTIONS, EXAMPLES

inference = imported_when_used(f"{__package__}.inference")   # imports torch: on first use, not at start

MAX_SIDE = 512  # the longest side of what we translate; larger uploads are downscaled first
LEAST_SIDE = 64  # a picture with a shorter side than this comes back as a dot or a sliver: the tab says why


@handler(models=POOL, gpu_seconds=30)
def cyclegan_translate(image, direction):
    if image is None:
        raise InvalidInput("cyclegan.no_image")
    return inference.cyclegan_translate(image, direction, MAX_SIDE)


def size_note(image) -> Text | str:
    """What the tab says under a picture too small to translate into anything visible (8×8, 2000×20), else ""."""
    try:
        with Image.open(image) as img:   # the header only
            width, height = img.size
    except (OSError, ValueError, TypeError):
        return ""   # the translation itself refuses what cannot be read, with its own message
    return say("cyclegan.too_small", width=width, height=height, least=LEAST_SIDE) if min(width, height) < LEAST_SIDE else ""


@handler(models=POOL, gpu_seconds=60)
def translate_shown(image, direction, show_cycle):
    """The tab's pair: the translation and, when the cycle is asked for, the translation back, and the note on the
    picture's size; nothing (and no error) without an image, as when the picture is cleared or an example is still
    loading."""
    if image is None:
        return None, None, ""
    translated = inference.cyclegan_translate(image, direction, MAX_SIDE)
    if not show_cycle:
        return translated, None, size_note(image)
    back = "monet2photo" if direction == "photo2monet" else "photo2monet"
    return translated, inference.cyclegan_translate(translated, back, MAX_SIDE), size_note(image)


@handler(models=None)
def show_way_back(shown: bool):
    return gr.update(visible=bool(shown))


@handler(models=None)
def clear_translation():
    """Both pictures and the note emptied, when the picture to translate was refused (no stale result stays on
    screen)."""
    return None, None, ""


def build(demo: gr.Blocks) -> dict:
    availability_note("cyclegan_photo2monet", "cyclegan_monet2photo")
    quality_note("cyclegan_photo2monet")
    examples = sorted(EXAMPLES.glob("*.jpg")) + sorted(EXAMPLES.glob("*.png"))
    first_photo = next((str(p) for p in examples if p.name.startswith("photo")), None)  # shown translated on arrival
    with gr.Row():
        with gr.Column():
            image = UploadImage(value=first_photo, label=t("cyclegan.image"), type="filepath",
                                sources=["upload", "webcam", "clipboard"], height=400)
            note = gr.Markdown(elem_id="cyclegan-note")
            direction = gr.Radio([(t("cyclegan.photo2monet"), "photo2monet"), (t("cyclegan.monet2photo"), "monet2photo")],
                                 value="photo2monet", label=t("cyclegan.direction"))
            show_cycle = gr.Checkbox(value=True, label=t("cyclegan.cycle"))
        # (at least 300 px wide each: on a phone the pictures stack, full width, instead of two 158-px columns)
        translated = gr.Image(label=t("cyclegan.translation"), type="pil", format="png", height=400, interactive=False,
                              elem_id="cyclegan-output", min_width=300)
        cycled = gr.Image(label=t("cyclegan.back"), type="pil", format="png", height=400, interactive=False,
                          elem_id="cyclegan-cycled", min_width=300)
    gr.Examples([[str(p), "monet2photo" if p.name.startswith("monet") else "photo2monet"] for p in examples],
                inputs=[image, direction], examples_per_page=6, label=t("cyclegan.examples"),
                visible_columns=[0])  # the pictures only: each sets its own direction (Gradio's table headers are untranslated)

    # Live, like every tab: the page opens with an example translated, and a new picture (uploaded, pasted,
    # taken, or an example clicked), direction or cycle choice translates at once. One event draws both pictures, so no stale "back" image can outlive a failure.
    shown = gr.on([demo.load, image.change, direction.change, show_cycle.change], translate_shown,
                  inputs=[image, direction, show_cycle], outputs=[translated, cycled, note],
                  trigger_mode="always_last", api_visibility="private")
    shown.failure(clear_translation, outputs=[translated, cycled, note], api_visibility="private", show_progress="hidden")
    show_cycle.change(show_way_back, inputs=show_cycle, outputs=cycled, api_visibility="private",
                      show_progress="hidden")  # unticked: no empty "translated back" frame
    # The public endpoint /cyclegan_translate(image, direction), on a trigger visitors never fire.
    api_trigger, api_result = gr.Number(visible=False), gr.Image(visible=False, type="pil", format="png")
    api_trigger.change(cyclegan_translate, inputs=[image, direction], outputs=api_result, api_name="cyclegan_translate")
    how_it_works(t("cyclegan.explanation"))
    gallery = {p.stem: str(p) for p in examples}
    return share_link("cyclegan", {
        "example": LinkParam(image, lambda raw: gallery[check_choice("example", raw, tuple(gallery))]),
        "direction": choice_param(direction, tuple(DIRECTIONS), "direction")})
