"""Live runs trained in a process of their own (ganapp.background): the state that goes there and
comes back is the whole state, the server draws what the child publishes, and the child gives way to the
server."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from ganapp import background
from ganapp.families.gan2d import live
from ganapp.families.gan2d.distributions import built_in, drawn
from ganapp.families.gantrain.live import LiveRun


def weights(run) -> list[torch.Tensor]:
    return [p.detach().clone() for p in [*run.g.parameters(), *run.d.parameters()]]


@pytest.fixture
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)   # as the child trains: the same kernels, bit for bit
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("objective", ["nonsaturating", "wgan-gp"])
def test_a_packed_run_continues_exactly_where_it_stopped(objective, one_thread):
    run = live.Run2D(drawn([[0.1, 0.2], [-0.5, 0.4]]), objective, 3, live.check_model(2, "uniform", 2, 16))
    run.mode = "train"
    run.train_steps(10)
    run.measure_curves()
    copy = type(run).from_settings(run.settings())
    background._unpack(copy, background._pack(run))
    assert torch.equal(copy.data.centres, run.data.centres) and copy.data.modes == run.data.modes
    assert (copy.step, copy.curves) == (run.step, run.curves)
    for r in (run, copy):
        r.mode = "train"
        r.train_steps(10)
    assert all(torch.equal(a, b) for a, b in zip(weights(run), weights(copy)))


def wait_for(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


RUNS = {"gan2d": lambda: live.Run2D(built_in("ring8"), "nonsaturating", 5),
        "gantrain": lambda: LiveRun("dcgan", "nonsaturating", 5, batch_size=16)}


@pytest.mark.parametrize("kind", RUNS)
def test_a_run_trained_in_a_child_process_is_the_run_trained_here(kind, one_thread):
    """Two children in turn (Start, Pause, Start): the server's copy follows each, carries the optimisers' state
    from one to the next without building an optimiser itself, and ends where training here would."""
    run = RUNS[kind]()
    before = weights(run)
    for target in (20, 30):
        process = background.TrainingProcess(run, "train", run.lock)
        try:
            assert os.getpriority(os.PRIO_PROCESS, process.process.pid) >= os.getpriority(os.PRIO_PROCESS, 0)
            wait_for(lambda p=process, n=target: (p.sync(), run.step)[1] >= n)   # the server's copy follows the child's
            wait_for(lambda p=process: os.getpriority(os.PRIO_PROCESS, p.process.pid)
                     == min(19, os.getpriority(os.PRIO_PROCESS, 0) + background.NICE))
            assert not all(torch.equal(a, b) for a, b in zip(before, weights(run)))
        finally:
            process.stop()
        assert not process.process.is_alive() and run.step >= target
        held = [part for name, part in run.training_parts().items() if name.startswith("opt_")]
        assert len(held) == 2 and all(isinstance(p, background.OptimizerState) and p.tensors for p in held)
    assert len(run.curves["step"]) > 0 if kind == "gan2d" else [r["step"] for r in run.history] == list(range(1, run.step + 1))
    replay = RUNS[kind]()
    replay.mode = "train"
    for _ in range(run.step):
        replay.train_step()
    assert all(torch.equal(a, b) for a, b in zip(weights(run), weights(replay)))


def test_a_server_that_only_hands_runs_to_children_never_builds_an_optimiser():
    """Building a torch optimiser imports torch._dynamo (~150 MiB): a fresh interpreter that starts a live run in a
    child, takes it back and draws from it has not imported it."""
    code = ("import sys, time; from ganapp.families.gantrain.live import LiveRun; from ganapp import background\n"
            "run = LiveRun('dcgan', 'nonsaturating', 1, batch_size=8)\n"
            "p = background.TrainingProcess(run, 'train', run.lock)\n"
            "deadline = time.monotonic() + 60\n"
            "while (p.sync(), run.step)[1] < 3 and time.monotonic() < deadline: time.sleep(0.05)\n"
            "p.stop(); run.samples(); assert run.step >= 3, run.step\n"
            "print('torch._dynamo' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_the_tab_run_trains_in_a_child_and_pauses_with_its_state_back():
    run = live.Run2D(built_in("moons"), "lsgan", 0)
    run.start("train")
    try:
        wait_for(lambda: (run.seen(), run.frame()["step"])[1] > 0)
        assert run.training_process is not None and run.training_process.process.pid != os.getpid()
        run.start("d_only")
        wait_for(lambda: (run.seen(), run.frame()["d_only_steps"])[1] > 0)
    finally:
        run.pause()
    assert run.training_process is None and not run.training
    steps = run.step, run.d_only_steps
    time.sleep(0.3)
    assert (run.step, run.d_only_steps) == steps          # paused means paused
    run.mode = "train"
    run.train_steps(1)                                     # Step after Pause, here, from the state handed back
    assert run.step == steps[0] + 1


def test_api_training_happens_in_a_child_and_gives_what_training_here_gives(one_thread, monkeypatch):
    """/gan_train and /gan2d_train train in a child (`run_in_child`): the server's allocator never holds what
    training took (the session benchmark's memory). The child's pictures are the ones the same run gives here."""
    from ganapp.families.gantrain import live as gantrain_live

    here = [gantrain_live.trained_samples("dcgan", "nonsaturating", 3, 5), live.trained_frame("ring8", "lsgan", 20, 5)]

    def not_here(*args, **kwargs):
        raise AssertionError("trained in the server's process")

    monkeypatch.setattr(gantrain_live, "LiveRun", not_here)   # the child has its own, untouched module
    monkeypatch.setattr(live, "Run2D", not_here)
    samples = gantrain_live.gan_train("dcgan", "nonsaturating", 3, 5)
    frame, figures = live.gan2d_train("ring8", "lsgan", 20, 5)
    assert samples.tobytes() == here[0].tobytes()
    assert frame.tobytes() == here[1][0].tobytes() and figures == here[1][1]
    assert background.run_in_child(os.getpid) != os.getpid()


def test_a_training_child_that_dies_is_a_short_error_and_the_next_call_works():
    from ganapp.checks import InvalidInput

    with pytest.raises(InvalidInput, match="the training stopped before it finished"):
        background.run_in_child(os._exit, 1)
    assert background.run_in_child(abs, -3) == 3
