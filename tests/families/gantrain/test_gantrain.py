"""The "Train a GAN" tab's engine: each objective's losses on hand-computed cases, runs that learn,
the bounded training slot, and the public /gan_train endpoint."""
from __future__ import annotations

import math
import threading
import time

import gradio as gr
import pandas as pd
import pytest
import torch

from ganapp.families.gantrain import live, tab
from ganapp.families.gantrain.live import LiveRun, Slots
from ganapp.losses import OBJECTIVES


class FixedScores(torch.nn.Module):
    """A 'discriminator' that scores every real image 2 and every generated one -1."""

    def forward(self, x):
        return torch.where(x.flatten(1)[:, 0] > 0, torch.tensor(2.0), torch.tensor(-1.0))


REAL, FAKE = torch.ones(4, 1, 28, 28), -torch.ones(4, 1, 28, 28)
sp = lambda t: math.log1p(math.exp(t))  # noqa: E731 - softplus

HAND = {  # objective: (D loss at r = 2, f = -1, G loss at f = -1)
    "minimax": (sp(-2) + sp(-1), -sp(-1)),
    "nonsaturating": (sp(-2) + sp(-1), sp(1)),
    "lsgan": (0.5 * 1 + 0.5 * 1, 0.5 * 4),
    "wgan": (-1 - 2, 1),
    "hinge": (0 + 0, 1),
    "ebgan": (2 + max(0, 0.3 + 1), -1),
}


@pytest.mark.parametrize("name", sorted(HAND))
def test_each_objective_matches_its_formula(name):
    obj = OBJECTIVES[name]
    loss_d, r, f = obj.d_loss(FixedScores(), REAL, FAKE)
    assert float(loss_d) == pytest.approx(HAND[name][0], abs=1e-6)
    assert float(obj.g_loss(f)) == pytest.approx(HAND[name][1], abs=1e-6)


def test_gradient_penalty_is_zero_for_a_unit_slope_critic():
    from ganapp.losses import gradient_penalty

    w = torch.zeros(784)
    w[0] = 1.0  # D(x) = x[0]: gradient norm exactly 1 everywhere
    d = lambda x: x.flatten(1) @ w  # noqa: E731
    assert float(gradient_penalty(d, torch.randn(8, 1, 28, 28), torch.randn(8, 1, 28, 28))) == pytest.approx(0)


@pytest.mark.parametrize("objective", sorted(OBJECTIVES))
def test_a_few_steps_of_each_objective_change_the_samples(tiny, objective):
    run = LiveRun("mlp", objective, seed=3)
    before = run.samples().clone()
    for _ in range(3):
        run.train_step()
    assert run.step == 3 and len(run.history) == 3
    assert not torch.equal(before, run.samples())
    assert all(math.isfinite(v) for row in run.history for v in row.values())


def test_same_settings_and_seed_give_the_same_run(tiny):
    a, b = LiveRun("dcgan", "lsgan", 5), LiveRun("dcgan", "lsgan", 5)
    for run in (a, b):
        run.train_step()
        run.train_step()
    assert torch.equal(a.samples(), b.samples())
    assert a.sample_grid().size == (8 * 28 + 9 * 2,) * 2


def test_a_silent_owner_loses_its_slot_and_its_place():
    slots = Slots(1, lease_s=0.1)
    assert slots.try_acquire("gone") == 0 and slots.try_acquire("queued-then-gone") == 1
    time.sleep(0.2)  # neither page calls again
    assert slots.try_acquire("next") == 0
    assert slots.acquire("api", timeout=0.05) is False  # "next" holds it (and keeps calling)...
    slots.release("next")
    assert slots.acquire("api", timeout=1) is True      # ...and an API hold has no lease:
    time.sleep(0.2)
    assert slots.try_acquire("page") == 1                # still held after the lease time
    assert slots.try_acquire("late", queue=False) == 2 and "late" not in slots.waiting


def test_wgan_gp_runs_repeat_exactly(tiny):
    a, b = LiveRun("mlp", "wgan-gp", 4), LiveRun("mlp", "wgan-gp", 4)
    for run in (a, b):
        run.train_step()
    assert torch.equal(a.samples(), b.samples())


def test_one_slot_means_a_second_run_waits_its_turn():
    slots = Slots(1)
    assert slots.try_acquire("a") == 0
    assert slots.try_acquire("b") == 1 and slots.try_acquire("c") == 2
    assert not slots.acquire("d", timeout=0.05)          # times out, leaves the queue
    got = []
    waiter = threading.Thread(target=lambda: got.append(slots.acquire("b", timeout=5)))
    waiter.start()
    time.sleep(0.1)
    slots.release("a")
    waiter.join()
    assert got == [True] and slots.try_acquire("c") == 1


def test_pause_step_and_reset(tiny, monkeypatch):
    monkeypatch.setattr(live, "SLOTS", Slots(1))
    run, timer, button, image, losses, scores, status = tab.start("mlp", "hinge", 2e-4, 2e-4, 16, 0, None)
    assert isinstance(run, LiveRun) and timer.active and "Step **0**" in status
    assert button["value"] == "● Training…" and not button["interactive"]   # Start shows that it runs
    same = tab.start("mlp", "hinge", 2e-4, 2e-4, 16, 0, run)[0]
    assert same is run  # Start again with the same settings carries on
    timer, button, *_ = tab.tick(run)
    assert timer == button == gr.skip()   # the timer keeps ticking, Start stays "Training…": nothing re-sent
    for _ in range(1200):   # it trains in its own process, between ticks (a child on a busy machine starts slowly)
        if run.step > 0:
            break
        if _ % 50 == 49:
            run.tick()      # as the page's timer does: the lease stays
        time.sleep(0.05)
    assert run.step > 0 and run.training
    with pytest.raises(Exception, match="pause first"):
        tab.step_once(run)
    timer, button, status = tab.pause(run)
    assert not timer.active and "paused" in status and button["value"] == "▶ Start" and button["interactive"]
    steps = run.step
    tab.step_once(run)
    assert run.step == steps + 1
    other = LiveRun("mlp", "hinge", 1)
    assert live.SLOTS.try_acquire(other.id) == 0  # the paused run gave its slot away
    live.SLOTS.release(other.id)
    cleared = tab.reset(run)
    assert cleared[0] is None and not cleared[1].active and cleared[2]["interactive"]


def test_gan_train_endpoint_through_the_client(tiny_checkpoints, monkeypatch):
    from conftest import serve
    from gradio_client import Client
    from PIL import Image

    demo, url = serve(tiny_checkpoints, monkeypatch)
    try:
        client = Client(url, verbose=False)
        first = client.predict("mlp", "nonsaturating", 3, 7, api_name="/gan_train")
        again = client.predict("mlp", "nonsaturating", 3, 7, api_name="/gan_train")
        assert Image.open(first).size == (8 * 28 + 9 * 2,) * 2
        assert open(first, "rb").read() == open(again, "rb").read()
        with pytest.raises(Exception, match="not in the list of choices"):
            client.predict("mlp", "nope", 3, 7, api_name="/gan_train")
    finally:
        demo.close()


def test_a_live_run_trains_between_ticks_and_stops_when_the_page_goes_away(tiny, monkeypatch):
    """The tick only draws: training goes on between ticks (the wall time is training's), and a run whose page
    stops ticking stops within a lease."""
    monkeypatch.setattr(live, "SLOTS", Slots(1, lease_s=1.5))
    run = tab.start("mlp", "hinge", 2e-4, 2e-4, 16, 0, None)[0]
    started = time.monotonic()
    tab.tick(run)
    tick_s = time.monotonic() - started
    for _ in range(600):                              # its process starts (slowly on a busy machine) and trains
        run.tick()                                    # the page's timer, meanwhile
        if run.step > 0:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    assert run.step > 0 and run.training
    assert tick_s < run.seconds, "a tick should draw, not train"
    reads, evaluator_read = [], run.evaluator_read
    monkeypatch.setattr(run, "evaluator_read", lambda samples=None: reads.append(run.step) or evaluator_read(samples))
    run.curves_sent_at = -math.inf                    # (Start sent them) due again now
    *_, image, losses, scores, status = tab.tick(run)   # curves and verdict sent, then none for PLOT_EVERY_S:
    assert isinstance(losses, pd.DataFrame) and len(losses) > 0 and len(scores) > 0 and len(reads) == 1
    verdict = run.verdict
    *_, image, losses, scores, status = tab.tick(run)
    assert image is not None and isinstance(losses, dict) and losses == scores == gr.skip()
    assert len(reads) == 1 and run.verdict is verdict   # the evaluator's last reading, shown again
    time.sleep(2.0)                                   # no tick for longer than the lease
    for _ in range(200):                              # (then its process hands its state back)
        if not run.training:
            break
        time.sleep(0.05)
    assert not run.training
    stopped_at = run.step
    time.sleep(0.2)
    assert run.step == stopped_at
    tab.reset(run)


def test_leaving_the_page_stops_the_run_and_frees_its_networks(tiny, monkeypatch):
    """A visitor who closes the page (Gradio's unload event) gives back their slot and their run's memory at once,
    instead of an hour later when Gradio drops the closed session's state."""
    from types import SimpleNamespace

    monkeypatch.setattr(live, "SLOTS", Slots(1))
    run = tab.start("mlp", "hinge", 2e-4, 2e-4, 16, 0, None, request=SimpleNamespace(session_hash="visitor-1"))[0]
    assert tab.RUN_OF_SESSION["visitor-1"] is run
    tab.leave(SimpleNamespace(session_hash="someone-else"))   # another visitor leaving leaves this run alone
    assert tab.RUN_OF_SESSION["visitor-1"] is run and run.g is not None
    tab.leave(SimpleNamespace(session_hash="visitor-1"))
    assert "visitor-1" not in tab.RUN_OF_SESSION and not run.training and run.g is None and run.optimizers is None
    other = LiveRun("mlp", "hinge", 1)
    assert live.SLOTS.try_acquire(other.id) == 0   # its slot is free for the next visitor
    live.SLOTS.release(other.id)
