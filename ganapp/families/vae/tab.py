"""The VAE tab: one digit morphs into another through the latent space; a map of that space."""
from __future__ import annotations

import gradio as gr
import torch

import ganapp

from ...checks import MAX_SEED, check_float, check_int
from ...hub import resolve
from ...images import grid, to_pil
from ...sampling import DIGIT_SCALE
from ...ui.common import (
    DrawingEditor,
    availability_note,
    how_it_works,
    seed_control,
    user_errors,
)
from ...ui.exports import save_gif
from . import inference

EXPLANATION = """
A variational autoencoder learns two networks at once. The **encoder** reads a digit and
outputs not one point but a small Gaussian cloud in a latent space (a mean and a variance per
dimension); the **decoder** turns any point of that space back into an image. Training samples a
point from the cloud as *mean + std × noise* — the reparameterisation trick, which lets gradients
flow through the sampling — and minimises the reconstruction error plus a **KL term** that pulls
every cloud towards a standard normal. That term packs the codes of all digits into one smooth,
gap-free region, which is why walking in a straight line (lerp) or along a great circle (slerp)
from one digit's code to another's decodes to a plausible morph at every step. The map shows the
decoder of a second model with a 2-D latent space over the square [−3, 3]², beside where the
encoder puts the 10,000 test digits: click the map to decode that point.
"""
MAP_TILES, MAP_SPAN, MAP_SCALE = 16, 3.0, 2  # the map: 16x16 tiles over [-3, 3]^2, each 28px x 2


def _endpoint(editor, digit, seed) -> torch.Tensor:
    """The drawn or uploaded digit when the canvas has ink, else the shipped example of `digit`."""
    composite = editor.get("composite") if isinstance(editor, dict) else None
    if composite is not None:
        x = inference.user_digit(composite)
        if x.sum() > 0:
            return x
    return inference.example_digit(digit, seed)


def _ends(start_digit, end_digit, start_editor, end_editor, seed) -> tuple[torch.Tensor, torch.Tensor]:
    seed = check_int("seed", seed, 0, MAX_SEED)
    return _endpoint(start_editor, start_digit, seed), _endpoint(end_editor, end_digit, seed)


def _decoded_at(a: torch.Tensor, b: torch.Tensor, t, method):
    t = check_float("t", t, 0, 1)
    return to_pil(inference.vae_frames(a, b, torch.tensor([t]), method)[0], scale=8)


@user_errors
def interpolate_api(start_digit, end_digit, steps, seed, method):
    return inference.vae_interpolate(start_digit, end_digit, steps, seed, method)


@user_errors
def interpolate_ui(start_digit, end_digit, start_editor, end_editor, seed, steps, method, t):
    """The strip (drawings included), the frame at t, and the forth-and-back GIF."""
    steps = check_int("steps", steps, 2, 32)
    a, b = _ends(start_digit, end_digit, start_editor, end_editor, seed)
    frames = inference.vae_frames(a, b, torch.linspace(0, 1, steps), method)
    strip = grid(frames, nrow=steps, scale=DIGIT_SCALE, padding=0)
    tiles = [to_pil(f, scale=DIGIT_SCALE) for f in frames]
    return strip, _decoded_at(a, b, t, method), str(save_gif(tiles, "vae_morph", 100))


@user_errors
def frame_at(start_digit, end_digit, start_editor, end_editor, seed, method, t):
    return _decoded_at(*_ends(start_digit, end_digit, start_editor, end_editor, seed), t, method)


@user_errors
def latent_map():
    return inference.vae_latent_map(MAP_TILES, MAP_SPAN)


@user_errors
def decode_click(evt: gr.SelectData):
    x_px, y_px = evt.index
    size = MAP_TILES * 28 * MAP_SCALE
    x = -MAP_SPAN + 2 * MAP_SPAN * (x_px + 0.5) / size
    y = MAP_SPAN - 2 * MAP_SPAN * (y_px + 0.5) / size
    return inference.vae_decode_point(x, y), f"z = ({x:+.2f}, {y:+.2f})"


def _scatter_path() -> str | None:
    try:
        path = resolve("vae2d") / "latent_scatter.png"
    except ganapp.WeightsUnavailable:
        return None
    return str(path) if path.is_file() else None


def _digit_input(label: str, value: int):
    with gr.Column():
        digit = gr.Radio(list(range(10)), value=value, label=f"{label}: a real test digit")
        editor = DrawingEditor(label=f"…or draw / upload the {label.lower()} digit (used when it has ink)",
                                type="pil", sources=["upload", "clipboard"], image_mode="RGBA",
                                brush=gr.Brush(colors=["#000000"], default_size=18), canvas_size=(280, 280),
                                height=300, layers=False, transforms=())
    return digit, editor


def build(demo: gr.Blocks) -> None:
    availability_note("vae", "vae2d")
    with gr.Row():
        start_digit, start_editor = _digit_input("Start", 3)
        end_digit, end_editor = _digit_input("End", 8)
    with gr.Row():
        steps = gr.Slider(2, 32, value=10, step=1, label="Steps")
        method = gr.Radio(list(inference.METHODS), value="lerp", label="Interpolation",
                          info="lerp: straight line; slerp: along a great circle (keeps the norm)")
    seed = seed_control("vae")
    button = gr.Button("Interpolate", variant="primary")
    strip = gr.Image(label="Start → end", type="pil", format="png", elem_id="vae-strip")
    with gr.Row():
        t = gr.Slider(0, 1, value=0.5, step=0.01, label="t (0 = start, 1 = end)")
        at_t = gr.Image(label="Decoded at t", type="pil", format="png", height=240)
        gif = gr.File(label="Animated GIF (forth and back)")
    ui_inputs = [start_digit, end_digit, start_editor, end_editor, seed, steps, method, t]
    # The public endpoint: example digits only, exactly the documented inputs. The UI then
    # redoes the strip with any drawing, and adds the frame at t and the GIF.
    gr.on([demo.load, button.click], interpolate_api, inputs=[start_digit, end_digit, steps, seed, method],
          outputs=strip, api_name="vae_interpolate").then(
        interpolate_ui, inputs=ui_inputs, outputs=[strip, at_t, gif], api_name="vae_interpolate_ui",
        api_visibility="private")
    t.change(frame_at, inputs=[start_digit, end_digit, start_editor, end_editor, seed, method, t], outputs=at_t,
             api_name="vae_frame_at", api_visibility="private", trigger_mode="always_last", show_progress="hidden")

    gr.Markdown("### The 2-D latent space")
    with gr.Row():
        map_image = gr.Image(label="Decoder over [−3, 3]² (click a point)", type="pil", format="png",
                             interactive=False, height=448)
        gr.Image(value=_scatter_path(), label="Test digits encoded, coloured by label", type="filepath",
                 interactive=False, height=448)
        with gr.Column():
            clicked = gr.Image(label="Decoded at the clicked point", type="pil", format="png", height=240)
            where = gr.Markdown()
    demo.load(latent_map, outputs=map_image, api_name="vae_latent_map", api_visibility="private")
    map_image.select(decode_click, outputs=[clicked, where], api_name="vae_decode_point", api_visibility="private")
    how_it_works(EXPLANATION)
