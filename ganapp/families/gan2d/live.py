"""A GAN in two dimensions, trained live on the server and drawn in the page (page.js).

`Run2D` holds one visitor's run: a real distribution, G and D under one objective (the same `Objective` code as
the MNIST live trainer), and what the view draws. While it holds one of `SLOTS` (at most GANAPP_TRAIN2D_SLOTS runs
at once, default 1) it trains in a process of its own (`ganapp.background`: flat out, at a lower priority than
the server), up to GANAPP_TRAIN_SECONDS of training, and stops when its page stops asking for frames; a thread
of the server watches it, and frames draw from the weights it publishes. Each frame (`frame`) is a snapshot between two steps: real and fake points, D over
the plane and D* beside it, the gradient of G's loss at some fake points, G's image of a grid over the noise, and
the curves (JSD, V(G, D) against -log 4, modes covered). `gan2d_train` is the API: a fixed number of steps, then
the last frame as a PNG and the figures measured on 2,000 fresh samples.
"""
from __future__ import annotations

import base64
import dataclasses
import io
import itertools
import math
import os
import threading
import time

import numpy as np
import torch
from PIL import Image, ImageDraw

from ...background import LazyOptimizers, train_while
from ...checks import MAX_SEED, InvalidInput, check_choice, check_float, check_int
from ...losses import OBJECTIVES, Objective
from ..gantrain.live import TRAINING_RUNS, Slots
from . import LEARNING_RATES, MAX_DRAWN, NOISE_KINDS, OBJECTIVES_2D, PLANE
from .distributions import DISTRIBUTIONS, Mixture, built_in, drawn
from .measures import KDE, coverage, jsd, optimal_discriminator, weighted_gap
from .model import GAN2DConfig, build, draw_noise

PROBABILITY_D = ("minimax", "nonsaturating")   # D's score is a logit: D = sigmoid(score) is a probability
DSTAR_COMPARABLE = ("minimax", "nonsaturating", "lsgan")  # objectives whose optimal D is p_data / (p_data + p_g)
# (LSGAN with labels 0 and 1: Mao et al. 2017, eq. 4). The WGANs' critic, hinge's and EBGAN's scores have no D*.

BATCH = 256
MAX_RUNS = int(os.environ.get("GANAPP_TRAIN2D_SLOTS", "1"))
RUN_SECONDS = float(os.environ.get("GANAPP_TRAIN_SECONDS", "300"))
API_WAIT_SECONDS = 60.0
SLOTS = Slots(MAX_RUNS)

HEAT = 48              # D and D* are drawn on a HEAT x HEAT grid over the plane
SHOWN = 300            # real and fake points drawn per frame
ARROWS = 48            # fake points that carry an arrow
MESH = 9               # lines of the noise grid in each direction
MEASURE_EVERY_S = 0.5  # seconds of training between two points of the curves
MEASURED = 2000        # samples for the API's figures (the curves use a quarter)
DSTAR_REUSE_S = 0.5    # seconds a frame may show the D* of an earlier G
MASS_SHOWN = 0.01      # D* is drawn in full where p_data + p_g exceeds this share of its peak, faded below
_run_ids = itertools.count(1)


def objective_2d(name: str, lr_d: float | None = None, lr_g: float | None = None, d_steps: int | None = None) -> Objective:
    base = OBJECTIVES[name]
    rate = LEARNING_RATES[name]
    return dataclasses.replace(base, lr_d=lr_d or rate, lr_g=lr_g or rate, d_steps=d_steps or base.d_steps,
                               clip=0.1 if base.clip else 0.0)   # a critic on points needs a looser clip


def plane_grid(n: int = HEAT) -> torch.Tensor:
    """(n*n, 2) cell centres over the plane, row by row from the top (y = +1) down, x from the left."""
    ticks = (torch.arange(n) + 0.5) / n * 2 * PLANE - PLANE
    y, x = torch.meshgrid(ticks.flip(0), ticks, indexing="ij")
    return torch.stack([x.flatten(), y.flatten()], 1)


def _png_data_url(values: torch.Tensor) -> str:
    """A HEAT x HEAT grid of values in [0, 1] as a small PNG (data: URL): blue (0, "fake") to white to orange
    (1, "real")."""
    v = values.reshape(HEAT, HEAT).clamp(0, 1)
    low, mid, high = torch.tensor([44, 105, 190.]), torch.tensor([246, 246, 246.]), torch.tensor([230, 120, 30.])
    t = v.unsqueeze(-1)
    rgb = torch.where(t < 0.5, low + (mid - low) * (t * 2), mid + (high - mid) * ((t - 0.5) * 2))
    buffer = io.BytesIO()
    Image.fromarray(rgb.round().byte().numpy(), "RGB").save(buffer, format="PNG", compress_level=1)  # fast: sent 10x a second
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _flat(points: torch.Tensor, digits: int = 3) -> list[float]:
    return np.round(points.detach().numpy().astype(np.float64), digits).ravel().tolist()


class Run2D:
    """One 2-D GAN. Same settings and seed, same run (weights, data and noise from the seed)."""

    MODES = ("train", "d_only")                      # what a training process may do (ganapp.background)
    PUBLISHED = ("g", "d")                           # the networks frames draw while the process trains
    LIVE_COUNTERS = ("step", "d_only_steps", "seconds")

    def __init__(self, distribution: Mixture, objective: str, seed: int, config: GAN2DConfig = GAN2DConfig(),
                 lr_d: float | None = None, lr_g: float | None = None, d_steps: int | None = None):
        self.id = next(_run_ids)
        self.data, self.seed = distribution, seed
        self._arguments = {"objective": objective, "seed": seed, "config": dataclasses.asdict(config), "lr_d": lr_d,
                           "lr_g": lr_g, "d_steps": d_steps}
        self.objective = objective_2d(objective, lr_d, lr_g, d_steps)
        self.config = dataclasses.replace(config, energy_d=objective == "ebgan")
        generator = torch.Generator().manual_seed(seed)
        with torch.random.fork_rng():   # weights from the seed, the global RNG untouched
            torch.manual_seed(seed)
            self.g, self.d = build(self.config)
        self.optimizers = LazyOptimizers(lambda: self.objective.optimizers(self.g, self.d))
        self.rng = generator                                                        # data and noise
        shown = torch.Generator().manual_seed(seed + 1)
        self.real_shown = distribution.sample(SHOWN, shown)
        self.z_shown = draw_noise(self.config, SHOWN, shown)
        self.step = 0          # generator updates
        self.d_only_steps = 0  # discriminator updates with G frozen ("Train D only")
        self.seconds = 0.0
        self.curves: dict[str, list] = {"step": [], "jsd": [], "value": [], "value_dstar": [], "modes": []}
        self.mode = "paused"   # "train" (G and D), "d_only", or "paused"
        self.queue_place = 0   # 0: training or paused; n: n-th in line for the training slot
        self.lock = threading.Lock()
        self._trainer: threading.Thread | None = None   # the server's thread that watches the training process
        self.training_process = None                     # a ganapp.background.TrainingProcess, while one trains
        self._last_seen = time.monotonic()
        self._last_measured = -math.inf
        self._optimal_d = None      # (G's step and sample count, when, D* and p_data + p_g on the grid, D*'s picture)
        self._data_density = None   # p_data on the grid, once

    # --- training ------------------------------------------------------------------------------------------
    def _real(self) -> torch.Tensor:
        return self.data.sample(BATCH, self.rng)

    def _noise(self) -> torch.Tensor:
        return draw_noise(self.config, BATCH, self.rng)

    def train_step(self) -> None:
        """One step of the current kind: D's `d_steps` updates and one of G, or (Train D only) one update of D."""
        with self.lock:
            if self.mode == "d_only":
                self.g.eval()
                self.d.train()
                with torch.no_grad():
                    fake = self.g(self._noise())
                _, opt_d = self.optimizers.get()
                self.objective.d_step(self.d, opt_d, self._real(), fake, self.rng)
                self.d_only_steps += 1
            else:
                self.objective.train_step(self.g, self.d, *self.optimizers.get(), self._real, self._noise, self.rng)
                self.step += 1

    # --- what travels to the training process and back (ganapp.background's contract) --------------------
    def settings(self) -> dict:
        data = self.data
        return {**self._arguments, "data": {"name": data.name, "centres": data.centres.tolist(), "sigma": data.sigma,
                                            "modes": [list(m) for m in data.modes]}}

    @classmethod
    def from_settings(cls, settings: dict) -> "Run2D":
        data = settings["data"]
        mixture = Mixture(data["name"], torch.tensor(data["centres"], dtype=torch.float32), data["sigma"],
                          tuple(tuple(m) for m in data["modes"]))
        return cls(mixture, settings["objective"], settings["seed"], GAN2DConfig(**settings["config"]),
                   settings["lr_d"], settings["lr_g"], settings["d_steps"])

    def training_parts(self) -> dict:
        return {"g": self.g, "d": self.d, **self.optimizers.parts(), "rng": self.rng}

    def counters(self) -> dict:
        last = self._last_measured
        return {"step": self.step, "d_only_steps": self.d_only_steps, "seconds": self.seconds, "curves": self.curves,
                "last_measured": None if last == -math.inf else last}

    def set_counters(self, counters: dict) -> None:
        self.step, self.d_only_steps, self.seconds = counters["step"], counters["d_only_steps"], counters["seconds"]
        self.curves = counters["curves"]
        self._last_measured = -math.inf if counters["last_measured"] is None else counters["last_measured"]

    def background_step(self, mode: str) -> dict | None:
        """One step in the training process; a new point of the curves, when one is due, goes to the server."""
        self.mode = mode
        start = time.monotonic()
        self.train_step()
        self.seconds += time.monotonic() - start
        if self.seconds - self._last_measured >= MEASURE_EVERY_S:
            self.measure_curves()
            return {"curves": {name: values[-1] for name, values in self.curves.items()}}
        return None

    def receive(self, message: dict) -> None:
        for name, value in message["curves"].items():
            self.curves[name].append(value)

    # --- live training -------------------------------------------------------------------------------------
    def start(self, mode: str) -> None:
        """Train in the background in `mode` ("train" or "d_only") until paused, the cap, or the page leaves."""
        self.mode = mode
        self.seen()
        if self._trainer is None or not self._trainer.is_alive():
            TRAINING_RUNS.add(self)   # stopped at exit
            self._trainer = threading.Thread(target=self._train_until_stopped, name=f"gan2d-{self.id}", daemon=True)
            self._trainer.start()

    def pause(self) -> None:
        self.mode = "paused"
        trainer = self._trainer
        if trainer is not None and trainer is not threading.current_thread():
            trainer.join()

    stop = pause   # what the exit hook calls (gantrain.live.stop_training_at_exit)

    def seen(self) -> None:
        """The page is still there (it asks for frames several times a second)."""
        self._last_seen = time.monotonic()

    @property
    def training(self) -> bool:
        return self._trainer is not None and self._trainer.is_alive()

    def _may_train(self) -> bool:
        return (self.mode != "paused" and self.seconds < RUN_SECONDS
                and time.monotonic() - self._last_seen < SLOTS.lease_s)

    def _mode_now(self) -> str | None:
        """What the training process should do now: None once paused, out of time or left by its page."""
        if not self._may_train() or SLOTS.try_acquire(self.id):   # (renews the slot's lease while it trains)
            return None
        return self.mode if self.mode in self.MODES else "train"

    def _train_until_stopped(self) -> None:
        """The watching thread: wait in line for the slot, then train in a child process (ganapp.background)."""
        try:
            while self._may_train() and (place := SLOTS.try_acquire(self.id)):
                self.queue_place = place                        # another run trains: wait in line
                time.sleep(0.2)
            self.queue_place = 0
            train_while(self, self._mode_now, self.lock)
        finally:
            SLOTS.release(self.id)
            self.mode, self.queue_place = "paused", 0

    def train_steps(self, steps: int) -> None:
        """Exactly `steps` steps of the current kind, in this thread (the API's and Step's way)."""
        start = time.monotonic()
        for _ in range(steps):
            self.train_step()
        self.seconds += time.monotonic() - start

    # --- what is measured ----------------------------------------------------------------------------------
    @torch.no_grad()
    def samples(self, n: int, seed: int) -> torch.Tensor:
        """(n, 2) fresh samples of G, from noise drawn with `seed` (not the training stream)."""
        with self.lock:
            self.g.eval()
            return self.g(draw_noise(self.config, n, torch.Generator().manual_seed(seed)))

    def figures(self, n: int = MEASURED, seed: int = 0) -> dict:
        """Modes covered, the high-quality share and the JSD (nats), on `n` fresh samples of each distribution."""
        fake, fit = self.samples(n, seed + 10), self.samples(n, seed + 11)
        real = self.data.sample(n, torch.Generator().manual_seed(seed + 12))
        value, _ = jsd(self.data, real, fake, fit)
        return {**coverage(self.data, fake), "jsd": round(value, 4)}

    @torch.no_grad()
    def _d_values(self, x: torch.Tensor) -> torch.Tensor:
        """D at points (N, 2) as drawn: a probability for the logistic objectives, else the score (EBGAN: minus
        the energy, so that higher still means "real"). (N,)."""
        with self.lock:
            self.d.eval()
            score = self.d(x).squeeze(1)
        if self.objective.name in PROBABILITY_D:
            return torch.sigmoid(score)
        return -score if self.objective.name == "ebgan" else score

    def _value(self, real: torch.Tensor, fake: torch.Tensor) -> float | None:
        """V(G, D) = E_data[log D] + E_g[log(1 - D)], for the objectives whose D is a probability."""
        if self.objective.name not in PROBABILITY_D:
            return None
        eps = 1e-6
        d_real, d_fake = self._d_values(real).clamp(eps, 1 - eps), self._d_values(fake).clamp(eps, 1 - eps)
        return float(d_real.log().mean() + (1 - d_fake).log().mean())

    def measure_curves(self) -> None:
        """One point of each curve, on 500 fresh samples (cheap enough to do twice a second while training)."""
        n, k = MEASURED // 4, len(self.curves["step"])
        fake, fit = self.samples(n, 1000 + 2 * k), self.samples(n, 1001 + 2 * k)
        real = self.data.sample(n, torch.Generator().manual_seed(5000 + k))
        value, _ = jsd(self.data, real, fake, fit)
        self.curves["step"].append(self.step + self.d_only_steps)
        self.curves["jsd"].append(round(value, 4))
        self.curves["value"].append(None if (v := self._value(real, fake)) is None else round(v, 4))
        self.curves["value_dstar"].append(round(2 * value - math.log(4), 4))
        self.curves["modes"].append(coverage(self.data, fake)["modes_covered"])
        self._last_measured = self.seconds

    def _optimal_d_on_grid(self, n: int, fresh: bool) -> tuple[torch.Tensor, torch.Tensor]:
        """D* over the plane's grid and the weight p_data + p_g there, for the current G. Estimating p_g is the
        dear part of a frame, so frames reuse it for DSTAR_REUSE_S seconds while G changes (always while it does
        not, as in Train D only); `fresh` forces it."""
        key = (self.step, n)
        cached = self._optimal_d
        if fresh or cached is None or (cached[0] != key and time.monotonic() - cached[1] > DSTAR_REUSE_S):
            grid = plane_grid()
            p_g = KDE(self.samples(n, 21), held_out=self.samples(n, 22))
            d_star = optimal_discriminator(self.data, p_g, grid)
            weight = self._data_density_on_grid() + p_g.log_density(grid).exp()
            cached = self._optimal_d = (key, time.monotonic(), d_star, weight, None)
        return cached[2], cached[3]

    def _d_star_picture(self) -> str:
        """The D* map as drawn (faded where there is no mass), encoded once per estimate of p_g."""
        d_star, _ = self._optimal_d_on_grid(MEASURED // 4, fresh=False)
        if self._optimal_d[4] is None:
            self._optimal_d = (*self._optimal_d[:4], _png_data_url(self._where_mass(d_star)))
        return self._optimal_d[4]

    def _data_density_on_grid(self) -> torch.Tensor:
        if self._data_density is None:
            self._data_density = self.data.log_density(plane_grid()).exp()
        return self._data_density

    def d_star_gap(self, n: int = MEASURED, fresh: bool = True) -> tuple[float, torch.Tensor, torch.Tensor]:
        """D's mean |D - D*| over the plane, weighted by p_data + p_g, and the two grids (D, D*)."""
        d_star, weight = self._optimal_d_on_grid(n, fresh)
        d = self._d_values(plane_grid())
        return weighted_gap(d, d_star, weight), d, d_star

    # --- a frame -------------------------------------------------------------------------------------------
    def _arrows(self, fake: torch.Tensor) -> list[float]:
        """-grad of G's loss at the first ARROWS fake points: where G's next update pushes each (x, y, dx, dy)."""
        x = fake[:ARROWS].clone().requires_grad_(True)
        with self.lock:   # D's weights must not change between the forward pass and the gradient
            self.d.eval()
            grad, = torch.autograd.grad(self.objective.g_loss(self.d(x)) * len(x), x)
        push = -grad
        push = push / push.norm(dim=1).max().clamp_min(1e-12) * 0.15         # the longest arrow: 0.15 of the plane
        return _flat(torch.cat([x.detach(), push], 1))

    @torch.no_grad()
    def _mesh(self) -> list[list[float]]:
        """G's image of a grid over the noise space: MESH lines each way (one line for 1-D noise)."""
        span = 1.0 if self.config.noise == "uniform" else 2.0
        t = torch.linspace(-span, span, 40)
        if self.config.noise_dim == 1:
            lines = [t.unsqueeze(1)]
        else:
            ticks = torch.linspace(-span, span, MESH)
            lines = [torch.stack([t, torch.full_like(t, v)], 1) for v in ticks]
            lines += [torch.stack([torch.full_like(t, v), t], 1) for v in ticks]
        with self.lock:
            self.g.eval()
            return [_flat(self.g(line)) for line in lines]

    def frame(self, with_real: bool = True) -> dict:
        """Everything the page draws, as JSON; the real points (fixed for the run) only `with_real`."""
        if (process := self.training_process) is not None:
            process.sync()   # the weights the training process published last
        with torch.no_grad(), self.lock:
            self.g.eval()
            fake = self.g(self.z_shown)
        gap, d, d_star = self.d_star_gap(MEASURED // 4, fresh=False)
        name = self.objective.name
        shown = d if name in PROBABILITY_D else (d - d.min()) / (d.max() - d.min()).clamp_min(1e-12)
        return {"step": self.step, "d_only_steps": self.d_only_steps, "seconds": round(self.seconds, 2),
                "mode": self.mode if self.training else "paused", "queue": self.queue_place, "objective": name, "distribution": self.data.name,
                **({"real": _flat(self.real_shown)} if with_real else {}), "fake": _flat(fake), "arrows": self._arrows(fake), "mesh": self._mesh(),
                "heat": _png_data_url(shown), "heat_kind": "probability" if name in PROBABILITY_D else "score",
                "dstar": self._d_star_picture(), "gap": round(gap, 4) if name in DSTAR_COMPARABLE else None,
                "curves": self.curves, "modes_total": len(self.data.modes), "cap_seconds": RUN_SECONDS}

    def _where_mass(self, d_star: torch.Tensor) -> torch.Tensor:
        """D* faded to ½ (white) where neither distribution has mass: there it is a ratio of two vanishing tails,
        defined but meaningless, and nothing is judged on it."""
        _, weight = self._optimal_d_on_grid(MEASURED // 4, fresh=False)
        shown = (weight / (MASS_SHOWN * weight.max())).clamp(0, 1).sqrt()
        return 0.5 + (d_star - 0.5) * shown

    def picture(self, size: int = 384) -> Image.Image:
        """The frame as the API returns it: D's heat map, the real points (black), the fake ones (orange-red) and
        G's noise grid (grey lines)."""
        frame = self.frame()
        heat = Image.open(io.BytesIO(base64.b64decode(frame["heat"].split(",", 1)[1]))).resize((size, size), Image.BILINEAR)
        draw = ImageDraw.Draw(heat)
        to_px = lambda x, y: ((x + PLANE) / (2 * PLANE) * size, (PLANE - y) / (2 * PLANE) * size)  # noqa: E731
        for line in frame["mesh"]:
            draw.line([to_px(*line[i:i + 2]) for i in range(0, len(line), 2)], fill=(120, 120, 120), width=1)
        for points, colour in ((frame["real"], (20, 20, 20)), (frame["fake"], (215, 48, 39))):
            for i in range(0, len(points), 2):
                x, y = to_px(points[i], points[i + 1])
                draw.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=colour)
        return heat


# --- inputs ----------------------------------------------------------------------------------------------------

def check_distribution(name, points=None) -> Mixture:
    if name == "drawn":
        if not isinstance(points, list) or not 1 <= len(points) <= MAX_DRAWN:
            raise InvalidInput("gan2d.draw_points", most=MAX_DRAWN)
        try:
            return drawn([[float(p[0]), float(p[1])] for p in points])
        except (TypeError, ValueError, IndexError):
            raise InvalidInput("gan2d.draw_points", most=MAX_DRAWN) from None
    return built_in(check_choice("distribution", name, tuple(DISTRIBUTIONS)))


def check_model(noise_dim, noise, depth, width) -> GAN2DConfig:
    return GAN2DConfig(noise_dim=check_int("noise_dim", noise_dim, 1, 2), noise=check_choice("noise", noise, NOISE_KINDS),
                       depth=check_int("depth", depth, 1, 4), width=check_int("width", width, 8, 256))


def check_rates(lr_d, lr_g, d_steps) -> tuple[float, float, int]:
    return (check_float("lr_d", lr_d, 1e-5, 1e-2), check_float("lr_g", lr_g, 1e-5, 1e-2),
            check_int("d_steps", d_steps, 1, 10))


def gan2d_train(distribution, objective, steps, seed) -> tuple[Image.Image, dict]:
    """/gan2d_train: a fresh run with the tab's defaults, `steps` generator updates, then the last frame and the
    figures on 2,000 fresh samples. It waits for the tab's training slot, and trains in a child process
    (`background.run_in_child`)."""
    check_distribution(distribution)
    objective = check_choice("objective", objective, OBJECTIVES_2D)
    steps, seed = check_int("steps", steps, 1, 20000), check_int("seed", seed, 0, MAX_SEED)
    return SLOTS.train_in_child(API_WAIT_SECONDS, trained_frame, distribution, objective, steps, seed)


def trained_frame(distribution: str, objective: str, steps: int, seed: int) -> tuple[Image.Image, dict]:
    """/gan2d_train's work, in its child: a fresh run trained `steps` generator updates, its last frame and figures."""
    run = Run2D(check_distribution(distribution), objective, seed)
    run.mode = "train"
    run.train_steps(steps)
    return run.picture(), run.figures()
