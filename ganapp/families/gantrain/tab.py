"""The "Train a GAN" tab: pick an architecture and an objective, press Start, and watch a GAN learn
MNIST on the server — samples, losses, scores and the evaluator's verdict about once a second."""
from __future__ import annotations

import gradio as gr
import pandas as pd

import ganapp

from ...checks import MAX_SEED, InvalidInput
from ...ui.common import (
    choice_param,
    how_it_works,
    int_param,
    seed_control,
    share_link,
    user_errors,
)
from ...ui.i18n import t
from ..objectives.tab import build_comparison
from . import inference
from .inference import RUN_SECONDS, SLOTS, LiveRun
from .model import ARCHITECTURES
from .objectives import OBJECTIVES


def _plots(run: LiveRun | None):
    if run is None or not run.history:
        empty = pd.DataFrame({"step": [], "value": [], "series": []})
        return empty, empty
    rows = run.history[-2000:]
    losses = pd.DataFrame([{"step": r["step"], "value": r[k], "series": name} for r in rows
                           for k, name in (("loss_d", "discriminator"), ("loss_g", "generator"))])
    scores = pd.DataFrame([{"step": r["step"], "value": r[k], "series": name} for r in rows
                           for k, name in (("score_real", "real"), ("score_fake", "generated"))])
    return losses, scores


def _status(run: LiveRun | None, waiting: int = 0, note: str = "", samples=None) -> str:
    if run is None:
        return "Press **Start** to train a fresh GAN."
    if waiting:
        return f"⏳ Another visitor is training; you are number {waiting} in line. Your run starts when the slot frees."
    text = f"Step **{run.step}** (generator updates) · {run.seconds:.0f} s of training"
    try:
        confidence, digits = run.evaluator_read(samples)
        text += f" · evaluator: mean confidence **{confidence:.2f}**, **{digits}** different digits among 64 samples"
    except ganapp.WeightsUnavailable:
        pass  # no evaluator here: the samples and curves still tell the story
    return text + (f" · {note}" if note else "")


def _show(run: LiveRun | None, waiting: int = 0, note: str = ""):
    losses, scores = _plots(run)
    samples = run.samples() if run is not None else None   # once, for the picture and the evaluator
    image = run.sample_grid(samples) if run is not None else None
    return image, losses, scores, _status(run, waiting, note, samples)


# Training handlers stay on the server's CPU and its slot, even on a ZeroGPU Space (gpu_seconds=0):
# a GPU worker process would train a copy of the run and hold a copy of the slots.
@user_errors(gpu_seconds=0, model_pool=False)
def start(architecture, objective, lr_d, lr_g, batch_size, seed, run: LiveRun | None):
    """A new run when the settings changed (or there is none), else carry on with the same one."""
    architecture, objective, seed = inference.check_settings(architecture, objective, seed)
    lr_d, lr_g = inference.check_learning_rate("lr_d", lr_d), inference.check_learning_rate("lr_g", lr_g)
    batch_size = int(batch_size)
    settings = (architecture, objective, seed, lr_d, lr_g, batch_size)
    if run is None or run.settings() != settings:
        if run is not None:
            SLOTS.release(run.id)
        run = LiveRun(architecture, objective, seed, lr_d, lr_g, batch_size)
    run.paused = False
    return run, gr.Timer(active=True), *_show(run)


def tick(run: LiveRun | None):
    """About once a second while running: train for most of the second, then show where it is.
    The run is changed in place, never replaced here, so a tick in flight cannot undo Reset or Start."""
    if run is None:
        return gr.Timer(active=False), *_show(None)
    if run.paused:  # a tick already on its way when Pause was pressed
        SLOTS.release(run.id)
        return gr.Timer(active=False), *_show(run, note="paused")
    if run.seconds >= RUN_SECONDS:
        SLOTS.release(run.id)
        return gr.Timer(active=False), *_show(run, note=f"stopped at the {RUN_SECONDS / 60:.0f}-minute limit")
    waiting = SLOTS.try_acquire(run.id)
    if waiting:
        return gr.Timer(active=True), *_show(run, waiting)
    run.train_for(0.7)
    if run.paused:  # Pause was pressed while this tick trained: its answer may land after Pause's own
        SLOTS.release(run.id)
        return gr.Timer(active=False), *_show(run, note="paused")
    return gr.Timer(active=True), *_show(run)


def pause(run: LiveRun | None):
    """Stop the clock and give the slot to whoever waits; Start resumes the same run."""
    if run is not None:
        run.paused = True
        SLOTS.release(run.id)
    return gr.Timer(active=False), _status(run, note="paused")


@user_errors(gpu_seconds=0, model_pool=False)
def step_once(run: LiveRun | None):
    if run is None:
        raise InvalidInput("press Start first (then Pause, then Step)")
    if not run.paused:
        raise InvalidInput("pause first: Step trains one update at a time while paused")
    if SLOTS.try_acquire(run.id, queue=False):
        raise InvalidInput("another visitor is training; try again in a moment")
    try:
        run.train_step()
    finally:
        SLOTS.release(run.id)
    return *_show(run, note="paused"),


def reset(run: LiveRun | None):
    if run is not None:
        SLOTS.release(run.id)
    return None, gr.Timer(active=False), *_show(None)


def release(run: LiveRun | None) -> None:
    """Called when a visitor's session state is dropped; the slot's lease frees it sooner."""
    if run is not None:
        SLOTS.release(run.id)


@user_errors(gpu_seconds=0, model_pool=False)
def api_train(architecture, objective, steps, seed):
    return inference.gan_train(architecture, objective, steps, seed)


def _defaults(objective):
    obj = OBJECTIVES[objective]
    extras = [f"{obj.optimizer}", f"{obj.d_steps} discriminator step(s) per generator step"]
    if obj.clip:
        extras.append(f"weights clipped to ±{obj.clip}")
    if obj.gp_weight:
        extras.append(f"gradient penalty λ = {obj.gp_weight:g}")
    if obj.margin:
        extras.append(f"margin m = {obj.margin:g}")
    return obj.lr_d, obj.lr_g, "Defaults for this objective: " + ", ".join(extras) + f". Scores plotted: {obj.scores}."


def build(demo: gr.Blocks) -> dict:
    run = gr.State(None, delete_callback=release)
    with gr.Row():
        with gr.Column(scale=1, min_width=260):
            samples = gr.Image(label="64 samples from fixed noise", type="pil", format="png", interactive=False,
                               height=300, elem_id="gantrain-samples", elem_classes="pixelated")
            status = gr.Markdown(_status(None), elem_id="gantrain-status")
        with gr.Column(scale=1):
            architecture = gr.Radio([("Fully connected (2014)", "mlp"), ("DCGAN", "dcgan")], value="dcgan",
                                    label=t("gantrain.architecture"))
            objective = gr.Radio(list(OBJECTIVES), value="nonsaturating", label=t("gantrain.objective"))
            defaults = gr.Markdown(_defaults("nonsaturating")[2])
            with gr.Row():
                lr_d = gr.Number(value=OBJECTIVES["nonsaturating"].lr_d, label="Discriminator learning rate")
                lr_g = gr.Number(value=OBJECTIVES["nonsaturating"].lr_g, label="Generator learning rate")
            batch_size = gr.Slider(16, 128, value=64, step=16, label=t("gantrain.batch"))
            seed = seed_control("gantrain")
            with gr.Row():
                start_button = gr.Button(t("gantrain.start"), variant="primary")
                pause_button = gr.Button(t("gantrain.pause"))
                step_button = gr.Button(t("gantrain.step"))
                reset_button = gr.Button(t("gantrain.reset"))
    with gr.Row():
        losses = gr.LinePlot(x="step", y="value", color="series", title=t("gantrain.losses"), height=260)
        scores = gr.LinePlot(x="step", y="value", color="series", title=t("gantrain.scores"), height=260)
    timer = gr.Timer(1.0, active=False)
    shown = [samples, losses, scores, status]
    objective.change(_defaults, inputs=objective, outputs=[lr_d, lr_g, defaults], api_visibility="private",
                     show_progress="hidden")
    start_button.click(start, inputs=[architecture, objective, lr_d, lr_g, batch_size, seed, run],
                       outputs=[run, timer, *shown], api_visibility="private")
    timer.tick(tick, inputs=run, outputs=[timer, *shown], api_visibility="private", show_progress="hidden",
               concurrency_limit=None)
    pause_button.click(pause, inputs=run, outputs=[timer, status], api_visibility="private", show_progress="hidden")
    step_button.click(step_once, inputs=run, outputs=shown, api_visibility="private")
    reset_button.click(reset, inputs=run, outputs=[run, timer, *shown], api_visibility="private")
    # The public endpoint: a fresh run of `steps` generator updates, its 8x8 samples.
    steps = gr.Number(value=200, visible=False)
    api_result = gr.Image(visible=False, type="pil", format="png")
    steps.submit(api_train, inputs=[architecture, objective, steps, seed], outputs=api_result, api_name="gan_train")
    gr.Markdown(f"Runs are capped at {RUN_SECONDS / 60:.0f} minutes; {inference.MAX_RUNS} run(s) train at once.")
    how_it_works(t("gantrain.explanation"))
    build_comparison(demo)
    return share_link("gantrain", {"architecture": choice_param(architecture, ARCHITECTURES, "architecture"),
                                   "objective": choice_param(objective, tuple(OBJECTIVES), "objective"),
                                   "seed": int_param(seed, 0, MAX_SEED, "seed")})
