"""The VAE tab: one digit morphs into another through the latent space; a map of that space.

Its handlers import torch themselves: the page is built before torch is imported (ui.handlers.imported_when_used)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import gradio as gr
from PIL import ImageDraw

import ganapp

from ...checks import MAX_SEED, InvalidInput, check_float, check_int
from ...hub import beside_weights
from ...images import DIGIT_SCALE, grid, open_png_data_url, to_pil
from ...messages import Text, say
from ...ui import inpage
from ...ui.controls import choice_param, int_param, pixel_image, seed_control, share_link
from ...ui.exports import png_file, save_gif
from ...ui.handlers import POOL, handler, imported_when_used, same
from ...ui.i18n import t
from ...ui.inputs import drawing_pad
from ...ui.notes import availability_note, how_it_works, quality_note, stored_figure
from . import EVEN_SAMPLES, MAP_MODELS, MAP_SCALE, METHODS, map_square

if TYPE_CHECKING:
    import torch

inference = imported_when_used(f"{__package__}.inference")   # imports torch: on first use, not at start

MAP_TILES = 16                # each map: 16x16 tiles over the model's square
STRIP_COLUMNS = 8             # frames per row of the tab's strip
PAD_MAX_PIXELS = 1_000_000    # a drawing pad sends 280x280: anything much larger is not from a pad
# In the page: the point under the pointer decoded (first: what /latent_decode draws), beside the map itself.
MAP_TEMPLATE = ('<div class="inpage-box inpage-map"><canvas class="inpage-point"></canvas><canvas class="inpage-map"></canvas>'
                '<div class="inpage-note" role="status"></div></div>')


def _endpoint(drawing, digit, seed) -> torch.Tensor:
    """The drawn or chosen picture (a drawing pad's value) when it has ink, else the shipped example of `digit`."""
    if drawing:
        x = inference.user_digit(open_png_data_url(drawing, PAD_MAX_PIXELS))
        if x.sum() > 0:
            return x
    return inference.example_digit(digit, seed)


def _ends(start_digit, end_digit, start_drawing, end_drawing, seed) -> tuple[torch.Tensor, torch.Tensor]:
    seed = check_int("seed", seed, 0, MAX_SEED)
    return _endpoint(start_drawing, start_digit, seed), _endpoint(end_drawing, end_digit, seed)


def _check_ends(ends) -> torch.Tensor:
    """The morph's two latent means as the page holds them (a JSON list of two lists): (2, latent)."""
    import torch

    latent = ganapp.load("vae").config.latent_dim
    try:
        z = torch.tensor(ends, dtype=torch.float32)
    except (TypeError, ValueError):
        z = None
    if z is None or z.shape != (2, latent) or not torch.isfinite(z).all():
        raise InvalidInput("vae.bad_ends", latent=latent)
    return z


@handler(models=POOL)
def vae_interpolate(start_digit, end_digit, steps, seed, method):
    return inference.vae_interpolate(start_digit, end_digit, steps, seed, method)


@handler(models=POOL)
def interpolate_ui(start_digit, end_digit, start_drawing, end_drawing, seed, steps, method):
    """The strip (drawings included), the forth-and-back GIF, the start and end digits, and the two latent means
    (for the frame at t, which the page decodes itself where it can: `frame_at`)."""
    import torch

    steps = check_int("steps", steps, 2, 32)
    a, b = _ends(start_digit, end_digit, start_drawing, end_drawing, seed)
    ends = inference.latent_means(a, b)
    frames = inference.frames_between(ends, torch.linspace(0, 1, steps), method)
    # In the page the frames wrap into rows of at most STRIP_COLUMNS, so that 32 steps stay legible (the public
    # endpoint keeps its one row).
    columns = math.ceil(steps / math.ceil(steps / STRIP_COLUMNS))   # rows of equal length: 10 steps are 2 x 5
    strip = grid(frames, nrow=columns, scale=DIGIT_SCALE, padding=0 if steps <= STRIP_COLUMNS else 2)
    tiles = [to_pil(f, scale=DIGIT_SCALE) for f in frames]
    return (strip, str(save_gif(tiles, "vae_morph", 100)), to_pil(a, scale=DIGIT_SCALE), to_pil(b, scale=DIGIT_SCALE),
            ends.tolist())


@handler(models=POOL)
def frame_at(ends, method, t):
    """The frame at fraction t of the morph between the latent means `ends`: what the page draws, on the server."""
    if not ends:   # asked before the strip's event sent the means (the page falls back at once): nothing yet
        return gr.skip()
    import torch

    t = check_float("t", t, 0, 1)
    return to_pil(inference.frames_between(_check_ends(ends), torch.tensor([t]), method)[0], scale=8)


@handler(models=POOL)
def latent_decode(model, u, v):
    return inference.latent_decode(model, u, v)


@handler(models=POOL)
def latent_map(model):
    return inference.latent_map(model, MAP_TILES)


def _map_panel(demo: gr.Blocks, name: str) -> None:
    """One model's map (click to decode), its scatter of test encodings and its measured figures."""
    @handler(models=POOL)
    def draw():
        return inference.latent_map(name, MAP_TILES)

    @handler(models=POOL)
    def on_click(evt: gr.SelectData):
        size = MAP_TILES * 28 * MAP_SCALE
        u, v = (evt.index[0] + 0.5) / size, 1 - (evt.index[1] + 0.5) / size
        marked = _marked(inference.latent_map(name, MAP_TILES), evt.index)
        return latent_decode(name, u, v), say("vae.clicked", u=u, v=v), str(png_file(marked))

    with gr.Column():
        gr.Markdown(t("vae.map_heading", title=say(f"vae.title.{name}"), figures=_map_figures(name)))
        with gr.Row():
            map_image = pixel_image(t("vae.map"), height=360, elem_id=f"{name}-map")
            gr.Image(value=stored_figure(name, "latent_scatter.png"), label=t("vae.scatter"), type="filepath",
                     interactive=False, height=360)
        with gr.Row():
            clicked = pixel_image(t("vae.decoded_click"), height=180, elem_id=f"{name}-clicked")
            where = gr.Markdown()
        in_page = inpage.view(name, "vae", {"decoder": name}, [], template=MAP_TEMPLATE, label=inpage.texts("vae.map"),
                              server_images=[f"{name}-map", f"{name}-clicked"], square=list(map_square(name)),
                              tiles=MAP_TILES, value_range=[0, 1], fallback_note=inpage.texts("common.drawn_by_server"),
                              point_note=inpage.texts("vae.point_at", x="{x}", y="{y}"))  # filled in the page
    @handler(models=POOL)
    def centre():  # what the square's centre decodes to, until the visitor clicks elsewhere
        return latent_decode(name, 0.5, 0.5)

    @handler(models=POOL)
    def drawn_on_server():
        return draw(), centre()

    # Where it can, the page decodes the map and the point under the pointer itself; else the server draws both.
    inpage.wire(name, in_page, [demo.load], drawn_on_server, [], [map_image, clicked], None, show_progress="hidden")
    map_image.select(on_click, outputs=[clicked, where, map_image], api_visibility="private")


def _marked(image, xy, radius: int = 7):
    """The map with a red ring where it was clicked."""
    image = image.convert("RGB")
    x, y = xy
    ImageDraw.Draw(image).ellipse((x - radius, y - radius, x + radius, y + radius), outline=(230, 40, 40), width=2)
    return image


def _map_figures(name: str) -> Text:
    """The figures that say "holes" or "no holes", from the model's metrics (written by the evaluation)."""
    try:
        m = beside_weights(name, "metrics.json")
    except ganapp.WeightsUnavailable:
        return say("vae.map_unavailable")
    if "confident_share" not in m:
        return say("vae.map_unmeasured")
    return say("vae.map_figures", confident=100 * m["confident_share"], grid=m["grid"], reach=100 * m["reach_share"])


def build(demo: gr.Blocks) -> dict:
    availability_note("vae", "vae2d", "ae2d")
    quality_note("vae")
    with gr.Row():
        start_digit = gr.Radio(list(range(10)), value=3, label=t("vae.start"))
        end_digit = gr.Radio(list(range(10)), value=8, label=t("vae.end"))
    with gr.Row():
        steps = gr.Slider(2, 32, value=10, step=1, label=t("vae.steps"))
        method = gr.Radio(list(METHODS), value="lerp", label=t("vae.method"), info=t("vae.method_info"))
    seed = seed_control("vae")
    with gr.Accordion(t("vae.draw"), open=False):
        with gr.Row():
            start_drawing = drawing_pad("vae.start_drawing", "vae-start-drawing")
            end_drawing = drawing_pad("vae.end_drawing", "vae-end-drawing")
    with gr.Row(equal_height=True):
        # The two real digits used: small tiles whose corner buttons would cover their labels (#34 item 5).
        start_used = pixel_image(t("vae.start_used"), height=140, min_width=120, scale=0, buttons=[])
        strip = pixel_image(t("vae.strip"), elem_id="vae-strip", scale=4, min_width=300)  # a phone: a line of its own
        end_used = pixel_image(t("vae.end_used"), height=140, min_width=120, scale=0, buttons=[])
    with gr.Row():
        position = gr.Slider(0, 1, value=0.5, step=0.01, label=t("vae.t"))
        with gr.Column():
            at_t = pixel_image(t("vae.at_t"), height=240, elem_id="vae-at-t")
            morph_page = inpage.view("vae-morph", "vae", {"decoder": "vae"}, [], kind="morph", label=inpage.texts("vae.at_t"),
                                     server_image="vae-at-t", value_range=[0, 1], even_samples=EVEN_SAMPLES,
                                     fallback_note=inpage.texts("common.drawn_by_server"))
        animation = gr.Image(label=t("vae.animated"), type="filepath", interactive=False,
                             height=240, elem_id="vae-gif", elem_classes="pixelated")
    gif = gr.File(label=t("common.download_gif"), interactive=False)
    ends = gr.JSON(visible=False, label="ends")   # the two latent means the frame at t lies between
    ui_inputs = [start_digit, end_digit, start_drawing, end_drawing, seed, steps, method]
    ui_outputs = [strip, animation, start_used, end_used, ends]
    # The public endpoint: example digits only, exactly the documented inputs. The UI then
    # redoes the strip with any drawing, and adds the real digits used, the frame at t and the GIF.
    # Live, like every tab: any control redraws.
    public = gr.on([demo.load, start_digit.change, end_digit.change, steps.change, method.change, seed.change],
                   vae_interpolate, inputs=[start_digit, end_digit, steps, seed, method], outputs=strip,
                   api_name="vae_interpolate", trigger_mode="always_last")
    # A drawing redraws at once, in one event, when its stroke ends: the pads' pictures travel in the request itself
    # (Gradio's image editor took 1.2 s to export and upload them first: #34 item 5).
    redraws = [public.success(interpolate_ui, inputs=ui_inputs, outputs=ui_outputs, api_visibility="private",
                              show_progress="hidden"),
               gr.on([start_drawing.change, end_drawing.change], interpolate_ui, inputs=ui_inputs, outputs=ui_outputs,
                     api_visibility="private", show_progress="hidden", trigger_mode="always_last")]
    for redraw in redraws:
        redraw.success(same, inputs=animation, outputs=gif, api_visibility="private", show_progress="hidden")
    # The frame at t: decoded in the page while the slider moves (from the means the strip's event left), else here.
    inpage.wire("vae-morph", morph_page, [position.change, ends.change], frame_at, [ends, method, position], at_t, None,
                show_progress="hidden")

    gr.Markdown(t("vae.maps"))
    with gr.Row():
        _map_panel(demo, "vae2d")
        _map_panel(demo, "ae2d")
    # The public endpoint: the digit a model decodes at a point of its map square.
    model = gr.Radio(list(MAP_MODELS), value="vae2d", visible=False, label="model")
    u, v = gr.Slider(0, 1, value=0.5, visible=False, label="u"), gr.Slider(0, 1, value=0.5, visible=False, label="v")
    decoded = gr.Image(visible=False, type="pil", format="png")
    model.change(latent_decode, inputs=[model, u, v], outputs=decoded, api_name="latent_decode")
    how_it_works(t("vae.explanation"))
    return share_link("vae", {"start": int_param(start_digit, 0, 9, "start"), "end": int_param(end_digit, 0, 9, "end"),
                              "steps": int_param(steps, 2, 32, "steps"),
                              "method": choice_param(method, METHODS, "method"),
                              "seed": int_param(seed, 0, MAX_SEED, "seed")})
