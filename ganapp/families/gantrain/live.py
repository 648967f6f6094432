"""Training a GAN live, on the server: one run per visitor, a bounded number of runs at once.

`LiveRun` holds a fresh generator and discriminator under one objective. In the tab it trains in a
process of its own while it holds a slot (`train_in_background`; `ganapp.background`: one thread, at a
lower priority than the server), so the page's timer only looks at it: every tick draws a snapshot of the
weights the process published, none trains, and the wall time goes to training rather than to waiting
for ticks or to the server's other work. The training stops on Pause, at the time cap, when the slot is
given up, or when no tick has come for a lease (the page went away). The API (`gan_train`) runs a fixed number of generator updates
and returns the samples. Both share `SLOTS`: at most
`GANAPP_TRAIN_SLOTS` runs (default 1) train at once; the others wait their turn. The training
digits are the first 12,000 MNIST training images, shipped with the app (assets/mnist_train_12k.png).
"""
from __future__ import annotations

import atexit
import itertools
import math
import threading
import time
import uuid
import weakref
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import torch
from PIL import Image

from ... import load
from ...background import LazyOptimizers, run_in_child, train_while
from ...checks import MAX_SEED, InvalidInput, check_choice, check_float, check_int
from ...images import grid, tile_sheet
from ...losses import OBJECTIVES, Objective
from ...sampling import device_of
from ...small_gans import ARCHITECTURES, GANConfig, build
from . import MAX_RUNS, RUN_SECONDS, SAMPLES, live_rates

TRAIN_SHEET = Path(__file__).resolve().parents[2] / "assets" / "mnist_train_12k.png"
API_WAIT_SECONDS = 120.0   # how long `gan_train` waits for the slot before saying the server is busy




@lru_cache(maxsize=1)
def training_digits() -> torch.Tensor:
    """(12000, 1, 28, 28) in [-1, 1]."""
    return tile_sheet(TRAIN_SHEET).flatten(0, 1) * 2 - 1


class Slots:
    """At most `n` owners train at once; the others queue, first come first served.

    A page's timer calls `try_acquire` about once a second; an owner not heard from for
    `lease_s` seconds (its page went away, or its run was dropped) loses its place or its slot.
    `acquire` (the API's blocking wait) holds its slot until it releases it, whatever the lease.
    """

    def __init__(self, n: int, lease_s: float = 5.0):
        self.n, self.lease_s = n, lease_s
        self.holders: dict = {}    # owner -> last seen (monotonic seconds); None: held until released
        self.waiting: dict = {}    # owner -> last seen, in arrival order
        self.lock = threading.Condition()

    def _expire(self) -> None:
        now = time.monotonic()
        for table in (self.holders, self.waiting):
            for owner, seen in list(table.items()):
                if seen is not None and now - seen > self.lease_s:
                    del table[owner]

    def try_acquire(self, owner, pinned: bool = False, queue: bool = True) -> int:
        """0 when `owner` holds a slot (now or already), else its place in the queue (1 = next).
        `pinned`: held until released (no lease); `queue=False`: take a free slot or leave no trace."""
        with self.lock:
            self._expire()
            now = None if pinned else time.monotonic()
            if owner in self.holders:
                if self.holders[owner] is not None:
                    self.holders[owner] = now
                return 0
            if not queue and (self.waiting or len(self.holders) >= self.n):
                return len(self.waiting) + 1
            self.waiting[owner] = now
            if len(self.holders) < self.n and next(iter(self.waiting)) == owner:
                del self.waiting[owner]
                self.holders[owner] = now
                return 0
            return list(self.waiting).index(owner) + 1

    def acquire(self, owner, timeout: float) -> bool:
        """Wait (at most `timeout` seconds) for a slot, held until `release`; False when none came."""
        deadline = time.monotonic() + timeout
        with self.lock:  # a Condition over an RLock: try_acquire may take it again
            while self.try_acquire(owner, pinned=True):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.waiting.pop(owner, None)
                    return False
                self.lock.wait(min(remaining, self.lease_s))  # wake to expire silent owners too
            return True

    def release(self, owner) -> None:
        with self.lock:
            self.holders.pop(owner, None)
            self.waiting.pop(owner, None)
            self.lock.notify_all()

    def train_in_child(self, timeout: float, fn, *args):
        """`fn(*args)` in a child process (`background.run_in_child`) once a slot is free, waiting at most `timeout`
        seconds for one: how the API's fixed-length trainings take their turn with the tabs' live runs."""
        owner = uuid.uuid4().hex
        if not self.acquire(owner, timeout):
            raise InvalidInput("gantrain.slot_busy")
        try:
            return run_in_child(fn, *args)
        finally:
            self.release(owner)


SLOTS = Slots(MAX_RUNS)
TRAINING_RUNS: weakref.WeakSet = weakref.WeakSet()   # live runs (this tab's and the 2-D tab's) whose thread may train


@atexit.register
def stop_training_at_exit() -> None:
    """Stop every live run's training thread before the interpreter shuts down: a thread still inside torch when
    its C++ runtime is torn down aborts the process ("terminate called without an active exception")."""
    for run in list(TRAINING_RUNS):
        run.stop()
_run_ids = itertools.count(1)
_build_lock = threading.Lock()   # seeding the global RNG to build a run's weights is one run at a time


class LiveRun:
    """A fresh GAN under one objective, trained a few steps at a time. Same settings and seed,
    same run: weights, data order and noise all come from the seed."""

    MODES = ("train",)                      # what a training process may do (ganapp.background's contract)
    PUBLISHED = ("g",)                      # the network ticks draw while the process trains
    LIVE_COUNTERS = ("step", "seconds")
    HISTORY_EVERY_S = 0.25                  # the process sends its new history rows this often

    def __init__(self, architecture: str, objective: str, seed: int, lr_d: float | None = None,
                 lr_g: float | None = None, batch_size: int = 64):
        self.id = next(_run_ids)
        self.objective: Objective = OBJECTIVES[objective]
        self.architecture, self.seed, self.batch_size = architecture, seed, batch_size
        self.config = GANConfig.for_objective(architecture, objective)
        with _build_lock, torch.random.fork_rng():  # weights from the seed; others' RNG state untouched
            torch.manual_seed(seed)
            self.g, self.d = build(self.config)
        default_d, default_g = live_rates(objective)
        self.lr_d, self.lr_g = lr_d or default_d, lr_g or default_g
        self.optimizers = LazyOptimizers(lambda: self.objective.optimizers(self.g, self.d, self.lr_d, self.lr_g))
        self.rng = torch.Generator().manual_seed(seed + 1)             # data and noise
        self.fixed_z = torch.randn(SAMPLES, self.config.z_dim, generator=torch.Generator().manual_seed(seed + 2))
        self.step = 0                 # generator updates so far
        self.seconds = 0.0            # wall time spent training
        self.history: list[dict] = []  # one row per generator update
        self.paused = False            # set by the tab's Pause; Start clears it
        self.lock = threading.Lock()   # one thread at a time trains or samples it (BatchNorm's mode)
        self._trainer: threading.Thread | None = None   # the thread watching the training process, while it runs
        self.training_process = None                     # a ganapp.background.TrainingProcess, while one trains
        self._stop = threading.Event()
        self._last_tick = time.monotonic()
        self.curves_sent_at = -math.inf                  # (the tab) when its curves last went to the page
        self.verdict = None                              # (the tab) the evaluator's last reading, as shown
        self._unsent = 0                                 # (in the training process) history rows not yet sent
        self._sent_at = -1.0

    def settings(self) -> dict:
        return {"architecture": self.architecture, "objective": self.objective.name, "seed": self.seed,
                "lr_d": self.lr_d, "lr_g": self.lr_g, "batch_size": self.batch_size}

    @classmethod
    def from_settings(cls, settings: dict) -> "LiveRun":
        return cls(**settings)

    # --- what travels to the training process and back (ganapp.background's contract) ------------------------
    def training_parts(self) -> dict:
        return {"g": self.g, "d": self.d, **self.optimizers.parts(), "rng": self.rng}

    def counters(self) -> dict:
        return {"step": self.step, "seconds": self.seconds, "history": self.history}

    def set_counters(self, counters: dict) -> None:
        self.step, self.seconds, self.history = counters["step"], counters["seconds"], counters["history"]

    def background_step(self, mode: str) -> dict | None:
        """One step in the training process; every HISTORY_EVERY_S, the new history rows go to the server."""
        start = time.monotonic()
        self._train_step()
        self.seconds += time.monotonic() - start
        self._unsent += 1
        if start - self._sent_at >= self.HISTORY_EVERY_S:
            rows, self._unsent, self._sent_at = self.history[-self._unsent:], 0, start
            return {"history": rows}
        return None

    def receive(self, message: dict) -> None:
        self.history.extend(message["history"])

    def _batch(self) -> torch.Tensor:
        data = training_digits()
        return data[torch.randint(len(data), (self.batch_size,), generator=self.rng)]

    def _noise(self) -> torch.Tensor:
        return torch.randn(self.batch_size, self.config.z_dim, generator=self.rng)

    def train_step(self) -> None:
        """`d_steps` discriminator updates, then one generator update."""
        with self.lock:
            self._train_step()

    def _train_step(self) -> None:
        opt_g, opt_d = self.optimizers.get()
        figures = self.objective.train_step(self.g, self.d, opt_g, opt_d, self._batch, self._noise, self.rng)
        self.step += 1
        self.history.append({"step": self.step, **figures})

    def train_in_background(self) -> None:
        """Train in a process of its own until `stop`, Pause, the time cap, or a lease without `tick` (the page
        went away). Idempotent: a second call while it trains only renews the lease."""
        self._last_tick = time.monotonic()
        if self._trainer is not None and self._trainer.is_alive():
            return
        self._stop.clear()
        TRAINING_RUNS.add(self)
        self._trainer = threading.Thread(target=self._train_until_stopped, name=f"live-run-{self.id}", daemon=True)
        self._trainer.start()

    def tick(self) -> None:
        """The page is still there (the trainer stops a lease after the last tick)."""
        self._last_tick = time.monotonic()

    def stop(self) -> None:
        """Stop the background training (after the step in progress) and wait for it."""
        self._stop.set()
        trainer = self._trainer
        if trainer is not None and trainer is not threading.current_thread():
            trainer.join()
        self._trainer = None

    def close(self) -> None:
        """Stop for good and drop the networks, optimisers and curves (the visitor left): only its settings stay."""
        self.stop()
        self.g = self.d = self.optimizers = None
        self.history = []

    @property
    def training(self) -> bool:
        return self._trainer is not None and self._trainer.is_alive()

    def _mode_now(self) -> str | None:
        stopped = (self._stop.is_set() or self.paused or self.seconds >= RUN_SECONDS
                   or time.monotonic() - self._last_tick > SLOTS.lease_s)
        return None if stopped else "train"

    def _train_until_stopped(self) -> None:
        train_while(self, self._mode_now, self.lock)

    def train_for(self, seconds: float) -> None:
        start = time.monotonic()
        with self.lock:
            while time.monotonic() - start < seconds:
                self._train_step()
        self.seconds += time.monotonic() - start

    @torch.inference_mode()
    def samples(self) -> torch.Tensor:
        """(64, 1, 28, 28) in [-1, 1], from the run's fixed noise."""
        if (process := self.training_process) is not None:
            process.sync()   # the weights the training process published last
        with self.lock:
            self.g.eval()
            return self.g(self.fixed_z)

    def sample_grid(self, samples: torch.Tensor | None = None) -> Image.Image:
        """8x8 samples, 28 px each, 2-pixel gaps, no upscaling."""
        return grid(self.samples() if samples is None else samples, nrow=8, value_range=(-1, 1), padding=2)

    @torch.inference_mode()
    def evaluator_read(self, samples: torch.Tensor | None = None) -> EvaluatorRead:
        """What the evaluator reads in the samples (default: the run's fixed-noise 64), from one pass of it."""
        clf = load("classifier")
        images = ((self.samples() if samples is None else samples) + 1) / 2
        features = clf.features(images.to(device_of(clf)))                      # (64, 128)
        top, digits = torch.softmax(clf.head(features), dim=1).max(1)           # (64,) each
        real, radii = real_neighbourhoods()
        realistic = (torch.cdist(features.cpu(), real) <= radii).any(1).double().mean()
        return EvaluatorRead(float(top.mean()), len(set(digits.tolist())), float(realistic))


class EvaluatorRead(NamedTuple):
    confidence: float   # the evaluator's mean top-class probability
    digits: int         # how many of the ten digits it reads among the samples
    realistic: float    # the share of samples that lie among real digits in its feature space: within some real
                        # digit's distance to its 3rd nearest neighbour (the "precision" of Kynkäänniemi et al.,
                        # 2019); 0 on an untrained generator's noise, where the confidence can read 1.00


@lru_cache(maxsize=1)
def real_neighbourhoods() -> tuple[torch.Tensor, torch.Tensor]:
    """The evaluator's features of 1,000 training digits (1000, 128), and each one's distance to its 3rd nearest
    other (1000,): where real digits lie, for `EvaluatorRead.realistic`. Seconds on first use: the tab warms it."""
    clf = load("classifier")
    with torch.inference_mode():
        features = clf.features(((training_digits()[:1000] + 1) / 2).to(device_of(clf))).cpu()
    return features, torch.cdist(features, features).kthvalue(4, dim=1).values   # the 1st nearest is itself


def check_settings(architecture, objective, seed) -> tuple[str, str, int]:
    return (check_choice("architecture", architecture, ARCHITECTURES),
            check_choice("objective", objective, tuple(OBJECTIVES)),
            check_int("seed", seed, 0, MAX_SEED))


def gan_train(architecture, objective, steps, seed) -> Image.Image:
    """A fresh run's 8x8 samples (from fixed noise) after `steps` generator updates; it waits for
    the same bounded training slot the tab uses, and trains in a child process (`background.run_in_child`)."""
    architecture, objective, seed = check_settings(architecture, objective, seed)
    steps = check_int("steps", steps, 1, 2000)
    return SLOTS.train_in_child(API_WAIT_SECONDS, trained_samples, architecture, objective, steps, seed)


def trained_samples(architecture: str, objective: str, steps: int, seed: int) -> Image.Image:
    """/gan_train's work, in its child: a fresh run trained `steps` generator updates, its 8x8 samples."""
    run = LiveRun(architecture, objective, seed)
    while run.step < steps:
        run.train_step()
    return run.sample_grid()


def check_learning_rate(name: str, value) -> float:
    return check_float(name, value, 1e-6, 1e-2)
