"""The "Train a GAN" tab: pick an architecture and an objective, press Start, and watch a GAN learn
MNIST on the server — its samples about once a second; its losses, scores and the evaluator's verdict every few
seconds."""
from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import gradio as gr
import pandas as pd

import ganapp

from ... import fork_server
from ...checks import MAX_SEED, InvalidInput
from ...gan_settings import ARCHITECTURES, SETTINGS
from ...messages import LANGUAGE, Text, render, say
from ...ui.controls import choice_param, int_param, seed_control, share_link
from ...ui.handlers import SESSION, TRAINING, handler, imported_when_used, runs_no_model
from ...ui.i18n import shown, t
from ...ui.notes import how_it_works
from ..objectives.tab import build_comparison
from . import MAX_RUNS, RUN_SECONDS, SAMPLES, live_rates

if TYPE_CHECKING:   # a handler's `run` (its gr.State) is a LiveRun or None; Gradio reads handlers' hints, and
    from .live import LiveRun  # one naming a class not imported (torch) would hide the others from it

live = imported_when_used(f"{__package__}.live")   # imports torch: on first use, not at start

PLOTTED_ROWS = 150   # at most this many steps per curve (and the last): a point every ~4 px; each row costs the
                     # page its copy and drawing every PLOT_EVERY_S (400 rows: ~0.05 of a core more)
PLOT_EVERY_S = 3.0   # while a run trains, its curves and the evaluator's verdict are renewed this often (samples and
                     # step every tick): each costs cores the training child would have (two plots redrawn each
                     # second, ~0.4 of the page's browser's core; the evaluator, ~45 ms of the server's per read)
RUN_OF_SESSION: dict[str, LiveRun] = {}   # each visitor's latest run, closed when they leave (`leave`)


def _plots(run: LiveRun | None):
    if run is None or not run.history:
        # No frame at all, not an empty one: the plot fixes its colours from the first frame it gets, and an
        # empty frame would leave the lines uncoloured (invisible) for the whole run.
        return None, None
    stride = -(-len(run.history) // PLOTTED_ROWS)                  # the whole run, thinned: cheap to send and draw
    rows = run.history[::stride] + ([run.history[-1]] if (len(run.history) - 1) % stride else [])   # and its last
    name = {key: render(f"gantrain.series.{key}", LANGUAGE.get()) for key in ("d", "g", "real", "fake")}  # legends
    losses = pd.DataFrame([{"step": r["step"], "value": r[k], "series": name[s]} for r in rows
                           for k, s in (("loss_d", "d"), ("loss_g", "g"))])
    scores = pd.DataFrame([{"step": r["step"], "value": r[k], "series": name[s]} for r in rows
                           for k, s in (("score_real", "real"), ("score_fake", "fake"))])
    return losses, scores


def _status(run: LiveRun | None, waiting: int = 0, note: Text | None = None, samples=None,
            read: bool = True) -> Text:
    """The status line; the evaluator reads `samples` when `read`, else its last reading is shown again."""
    if run is None:
        return say("gantrain.press_start")
    if waiting:
        return say("gantrain.waiting", place=waiting)
    if read or run.verdict is None:
        try:
            found = run.evaluator_read(samples)
            run.verdict = say("gantrain.evaluator", step=run.step, confidence=found.confidence, digits=found.digits,
                              realistic=round(SAMPLES * found.realistic), samples=SAMPLES)
        except ganapp.WeightsUnavailable:
            run.verdict = ""  # no evaluator here: the samples and curves still tell the story
    return say("gantrain.status", step=run.step, seconds=run.seconds, evaluator=run.verdict,
               note=say("gantrain.note", note=note) if note else "")


def _show(run: LiveRun | None, waiting: int = 0, note: Text | None = None, curves: bool = True):
    """(samples, losses, scores, status) for the page; `curves=False` leaves the plots and the evaluator's verdict as
    they are."""
    losses, scores = _plots(run) if curves else (gr.skip(), gr.skip())
    if curves and run is not None:
        run.curves_sent_at = time.monotonic()
    samples = run.samples() if run is not None else None   # once, for the picture and the evaluator
    image = run.sample_grid(samples) if run is not None else None
    return image, losses, scores, _status(run, waiting, note, samples, read=curves)


def _start_button(running: bool):
    """Start's look: while the run trains it says so and waits (Pause stops it); otherwise it starts or resumes."""
    return gr.update(value=say("gantrain.running" if running else "gantrain.start"), interactive=not running)


@handler(models=TRAINING)
def start(architecture, objective, lr_d, lr_g, batch_size, seed, run):
    """A new run when the settings changed (or there is none), else carry on with the same one."""
    architecture, objective, seed = live.check_settings(architecture, objective, seed)
    lr_d, lr_g = live.check_learning_rate("lr_d", lr_d), live.check_learning_rate("lr_g", lr_g)
    batch_size = int(batch_size)
    settings = {"architecture": architecture, "objective": objective, "seed": seed, "lr_d": lr_d, "lr_g": lr_g,
                "batch_size": batch_size}
    if run is None or run.settings() != settings:
        if run is not None:
            run.stop()
            live.SLOTS.release(run.id)
        run = live.LiveRun(**settings)
        if SESSION.get():
            RUN_OF_SESSION[SESSION.get()] = run
    run.paused = False
    return run, gr.Timer(active=True), _start_button(True), *_show(run)


@handler(models=TRAINING)
def tick(run):
    """About once a second while running: show where the run is. It trains in its own process between ticks
    (`LiveRun.train_in_background`) while it holds a slot; a tick renews the slot's lease and draws a snapshot.
    The run is changed in place, never replaced here, so a tick in flight cannot undo Reset or Start."""
    if run is None:
        return gr.Timer(active=False), _start_button(False), *_show(None)
    if run.paused:  # a tick already on its way when Pause was pressed
        run.stop()
        live.SLOTS.release(run.id)
        return gr.Timer(active=False), _start_button(False), *_show(run, note=say("gantrain.paused"))
    if run.seconds >= RUN_SECONDS:
        run.stop()
        live.SLOTS.release(run.id)
        return gr.Timer(active=False), _start_button(False), *_show(run, note=say("gantrain.time_limit", minutes=RUN_SECONDS / 60))
    curves = time.monotonic() - run.curves_sent_at >= PLOT_EVERY_S
    waiting = live.SLOTS.try_acquire(run.id)
    # The timer and Start stay as they are (each update costs the page a redraw, and its core is the child's too).
    if waiting:
        return gr.skip(), gr.skip(), *_show(run, waiting, curves=curves)
    run.train_in_background()   # started on the first tick with the slot; later ticks renew its lease
    return gr.skip(), gr.skip(), *_show(run, curves=curves)


@handler(models=None)
def pause(run):
    """Stop the clock and give the slot to whoever waits; Start resumes the same run."""
    if run is not None:
        run.paused = True
        run.stop()
        live.SLOTS.release(run.id)
    return gr.Timer(active=False), _start_button(False), _status(run, note=say("gantrain.paused"))


@handler(models=TRAINING)
def step_once(run):
    if run is None:
        raise InvalidInput("gantrain.start_first")
    if not run.paused:
        raise InvalidInput("gantrain.pause_first")
    if live.SLOTS.try_acquire(run.id, queue=False):
        raise InvalidInput("gantrain.step_busy")
    try:
        run.train_step()
    finally:
        live.SLOTS.release(run.id)
    return *_show(run, note=say("gantrain.paused")),


@handler(models=None)
def reset(run):
    if run is not None:
        run.stop()
        live.SLOTS.release(run.id)
        RUN_OF_SESSION.pop(SESSION.get(), None)
    return None, gr.Timer(active=False), _start_button(False), *_show(None)


def release(run) -> None:
    """Called when a visitor's session state is dropped; the slot's lease frees it sooner."""
    if run is not None:
        run.stop()
        live.SLOTS.release(run.id)


@runs_no_model
def leave(request: gr.Request):
    """The visitor closed or reloaded the page: stop their run and free its networks at once (a reload is a new
    session; `app.forget` then drops the session's state too)."""
    run = RUN_OF_SESSION.pop(getattr(request, "session_hash", None), None)
    if run is not None:
        release(run)
        run.close()


@handler(models=TRAINING)
def gan_train(architecture, objective, steps, seed):
    return live.gan_train(architecture, objective, steps, seed)


@handler(models=None)
def _defaults(objective):
    """The objective's learning rates for a live run, and what else it sets, in a sentence."""
    obj = SETTINGS[objective]
    return *live_rates(objective), say(
        "gantrain.defaults", optimizer=obj.optimizer, d_steps=obj.d_steps, scores=say(f"gantrain.plotted.{objective}"),
        clip=say("gantrain.clip", clip=obj.clip) if obj.clip else "",
        penalty=say("gantrain.penalty", weight=obj.gp_weight) if obj.gp_weight else "",
        margin=say("gantrain.margin", margin=obj.margin) if obj.margin else "")


def build(demo: gr.Blocks) -> dict:
    fork_server.warm_up(f"{__package__}.live", after_s=fork_server.WARM_UP_AFTER_S)   # live runs train in children
    warm = threading.Timer(fork_server.WARM_UP_AFTER_S, lambda: live.real_neighbourhoods())    # the first status line's reference
    warm.daemon = True
    warm.start()
    run = gr.State(None, delete_callback=release)
    with gr.Row():
        with gr.Column(scale=1, min_width=260):
            samples = gr.Image(label=t("gantrain.samples"), type="pil", format="png", interactive=False,
                               height=300, elem_id="gantrain-samples", elem_classes="pixelated")
            status = gr.Markdown(shown(_status(None)), elem_id="gantrain-status")
            # The curves under the samples, beside the controls: samples and curves in one screen.
            losses = gr.LinePlot(x="step", y="value", color="series", title=t("gantrain.losses"), height=200,
                                 elem_id="gantrain-losses", x_title=t("gantrain.axis_step"),
                                 y_title=t("gantrain.axis_loss"), color_title=t("gantrain.legend_network"))
            scores = gr.LinePlot(x="step", y="value", color="series", title=t("gantrain.scores"), height=200,
                                 x_title=t("gantrain.axis_step"), y_title=t("gantrain.axis_score"),
                                 color_title=t("gantrain.legend_images"))
        with gr.Column(scale=1):
            architecture = gr.Radio([(t("gantrain.mlp"), "mlp"), ("DCGAN", "dcgan")], value="dcgan",
                                    label=t("gantrain.architecture"))
            objective = gr.Radio(list(SETTINGS), value="nonsaturating", label=t("gantrain.objective"))
            defaults = gr.Markdown(shown(_defaults.__wrapped__("nonsaturating")[2]))
            with gr.Row():
                lr_d = gr.Number(value=live_rates("nonsaturating")[0], label=t("gantrain.lr_d"))
                lr_g = gr.Number(value=live_rates("nonsaturating")[1], label=t("gantrain.lr_g"))
            batch_size = gr.Slider(16, 128, value=64, step=16, label=t("gantrain.batch"))
            seed = seed_control("gantrain")
            with gr.Row():
                start_button = gr.Button(t("gantrain.start"), variant="primary")
                pause_button = gr.Button(t("gantrain.pause"))
                step_button = gr.Button(t("gantrain.step"))
                reset_button = gr.Button(t("gantrain.reset"))
    timer = gr.Timer(1.0, active=False)
    demo.unload(leave)
    view = [samples, losses, scores, status]
    objective.change(_defaults, inputs=objective, outputs=[lr_d, lr_g, defaults], api_visibility="private",
                     show_progress="hidden")
    start_button.click(start, inputs=[architecture, objective, lr_d, lr_g, batch_size, seed, run],
                       outputs=[run, timer, start_button, *view], api_visibility="private",
                       show_progress_on=status)
    timer.tick(tick, inputs=run, outputs=[timer, start_button, *view], api_visibility="private", show_progress="hidden",
               concurrency_limit=None)
    pause_button.click(pause, inputs=run, outputs=[timer, start_button, status], api_visibility="private",
                       show_progress="hidden")
    step_button.click(step_once, inputs=run, outputs=view, api_visibility="private", show_progress_on=status)
    reset_button.click(reset, inputs=run, outputs=[run, timer, start_button, *view], api_visibility="private",
                       show_progress_on=status)
    # The public endpoint: a fresh run of `steps` generator updates, its 8x8 samples.
    steps = gr.Number(value=200, visible=False, precision=0)
    steps.api_range = (1, 2000)  # what the API page says (ui/api_docs.py); live.gan_train checks it
    api_result = gr.Image(visible=False, type="pil", format="png")
    steps.submit(gan_train, inputs=[architecture, objective, steps, seed], outputs=api_result, api_name="gan_train")
    gr.Markdown(t("gantrain.limits", minutes=RUN_SECONDS / 60, runs=MAX_RUNS))
    how_it_works(t("gantrain.explanation"))
    build_comparison(demo)
    return share_link("gantrain", {"architecture": choice_param(architecture, ARCHITECTURES, "architecture"),
                                   "objective": choice_param(objective, tuple(SETTINGS), "objective"),
                                   "seed": int_param(seed, 0, MAX_SEED, "seed")})
