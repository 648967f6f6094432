"""The CycleGAN tab: a photo becomes a Monet-like painting, and a painting a photo."""
from __future__ import annotations

import gradio as gr

from ...checks import InvalidInput, check_choice
from ...ui.common import (
    LinkParam,
    UploadImage,
    availability_note,
    choice_param,
    how_it_works,
    quality_note,
    share_link,
    user_errors,
)
from ...ui.i18n import t
from . import inference

MAX_SIDE = 512  # the longest side of what we translate; larger uploads are downscaled first


@user_errors(gpu_seconds=30)
def translate(image, direction):
    if image is None:
        raise InvalidInput("cyclegan.no_image")
    return inference.cyclegan_translate(image, direction, MAX_SIDE)


@user_errors(gpu_seconds=30)
def translate_back(translated, direction, show_cycle):
    if not show_cycle or translated is None:
        return None
    back = "monet2photo" if direction == "photo2monet" else "photo2monet"
    return inference.cyclegan_translate(translated, back, MAX_SIDE)


def build(demo: gr.Blocks) -> dict:
    availability_note("cyclegan_photo2monet", "cyclegan_monet2photo")
    quality_note("cyclegan_photo2monet")
    with gr.Row():
        with gr.Column():
            image = UploadImage(label=t("cyclegan.image"), type="filepath",
                                sources=["upload", "webcam", "clipboard"], height=400)
            direction = gr.Radio([(t("cyclegan.photo2monet"), "photo2monet"), (t("cyclegan.monet2photo"), "monet2photo")],
                                 value="photo2monet", label=t("cyclegan.direction"))
            show_cycle = gr.Checkbox(value=True, label=t("cyclegan.cycle"))
        translated = gr.Image(label=t("cyclegan.translation"), type="pil", format="png", height=400, interactive=False,
                              elem_id="cyclegan-output")
        cycled = gr.Image(label=t("cyclegan.back"), type="pil", format="png", height=400, interactive=False,
                          elem_id="cyclegan-cycled")
    examples = sorted(inference.EXAMPLES.glob("*.jpg")) + sorted(inference.EXAMPLES.glob("*.png"))
    example_table = gr.Examples([[str(p), "monet2photo" if p.name.startswith("monet") else "photo2monet"]
                                 for p in examples], inputs=[image, direction], examples_per_page=6,
                                label=t("cyclegan.examples"))

    def then_translate_back(translation):
        """After a translation: the cycle on success; on failure, no stale result beside the message."""
        translation.success(translate_back, inputs=[translated, direction, show_cycle], outputs=cycled,
                            api_visibility="private")
        translation.failure(lambda: (None, None), outputs=[translated, cycled], api_visibility="private",
                            show_progress="hidden")

    # Live, like every tab: a new picture (uploaded, pasted or taken) or direction translates at once,
    # and so does clicking an example (loading one does not fire the image's change event).
    then_translate_back(gr.on([image.change, direction.change], translate, inputs=[image, direction],
                              outputs=translated, api_name="cyclegan_translate"))
    then_translate_back(example_table.load_input_event.then(translate, inputs=[image, direction], outputs=translated,
                                                            api_visibility="private"))
    show_cycle.change(translate_back, inputs=[translated, direction, show_cycle], outputs=cycled,
                      api_visibility="private")
    how_it_works(t("cyclegan.explanation"))
    gallery = {p.stem: str(p) for p in examples}
    return share_link("cyclegan", {
        "example": LinkParam(image, lambda raw: gallery[check_choice("example", raw, tuple(gallery))]),
        "direction": choice_param(direction, tuple(inference.DIRECTIONS), "direction")})
