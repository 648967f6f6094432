"""Picture inputs made safe: uploads and drawings are bounded before anything is decoded."""
from __future__ import annotations

import gradio as gr
from gradio import image_utils

from ganapp.images import BadImage, check_image_file

from .inpage import STATIC, file_url, texts


def _unusable(path) -> bool:
    """True for an uploaded file that is unreadable or too large (read from its header only)."""
    try:
        check_image_file(path)
    except BadImage:
        return True
    return False


class UploadImage(gr.Image):
    """gr.Image whose uploads are bounded before anything is decoded. It hands the handler the file path
    (no conversion here: `images.open_user_image` does it, bounded); a file that is not an image, too large
    or truncated goes to the handler untouched, whose bounded open refuses it with a short message in the
    visitor's language (this component does not know the visitor's language)."""

    def get_block_name(self) -> str:
        return "image"  # the stock front end

    def preprocess(self, payload):
        if payload is None or payload.path is None or _unusable(payload.path):
            return None if payload is None else payload.path
        try:  # Gradio's own preprocessing, minus the colour conversion that would decode the whole file
            return image_utils.preprocess_image(payload, cache_dir=self.GRADIO_CACHE, format=self.format,
                                                image_mode=None, type=self.type)
        except (OSError, SyntaxError, ValueError, EOFError):
            return payload.path


DRAWING_PAD = ('<div class="drawpad"><div class="drawpad-label"></div><canvas></canvas><div class="drawpad-tools">'
               '<button type="button" class="drawpad-clear"></button><label class="drawpad-file">'
               '<input type="file" accept="image/*"><span class="drawpad-choose"></span></label></div>'
               '<div class="drawing-note" role="status"></div></div>')
# If the pad's script cannot load, the pad says so (in the browser's language, as inpage.say picks it).
DRAWING_PAD_LOADER = """import(props.script_url).then((pad) => pad.start(element, props)).catch((error) => {
  console.warn("ganapp: the drawing pad did not load:", error);
  const zh = ((navigator.languages && navigator.languages[0]) || navigator.language || "").toLowerCase().startsWith("zh");
  const note = element.querySelector(".drawing-note");
  note.textContent = props.unavailable[zh ? "zh-CN" : "en"];
  note.classList.add("shown");
});"""


def drawing_pad(label: str, elem_id: str) -> gr.HTML:
    """A canvas to draw a digit on, or to drop or choose a picture of one (static/drawpad.js). Its value is ""
    (nothing drawn) or the picture as a PNG data URL, set when a stroke ends: read it with
    `images.open_png_data_url`. `label`: a locale key."""
    return gr.HTML(value="", html_template=DRAWING_PAD, js_on_load=DRAWING_PAD_LOADER, elem_id=elem_id,
                   elem_classes="drawing-pad", script_url=file_url(STATIC / "drawpad.js"), pad_label=texts(label),
                   clear=texts("common.clear_drawing"), choose=texts("common.choose_picture"),
                   not_a_picture=texts("common.not_a_picture"), unavailable=texts("common.pad_unavailable"))
