"""One training loop for every model family (after minGPT's Trainer).

The loop knows nothing about GANs or VAEs. A family supplies a `Recipe` (contracts.py): its networks and
optimisers, one `train_step`, a sample grid to look at, and the models to publish. The loop
does the rest: seeding, the progress bar, a JSON-lines log, sample grids, the full training
state saved every few minutes (and resumed with `resume=True`), and exporting.

The training state is one safetensors file (weights, optimiser moments, RNG states) plus
JSON metadata — no pickle, like everything else in ganapp. It lives in the run folder,
which is git-ignored; only `Recipe.exported()` models are meant for `checkpoints/`.
"""
from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torchvision.utils import save_image
from tqdm import tqdm

from ..contracts import Recipe, ValidatedRecipe
from ..files import atomic_path, atomic_write
from .processes import OneProcess

STATE_FILE = "state.safetensors"
LOG_FILE = "log.jsonl"
BEST_FILE = "best.json"   # the step and figures of run_dir/best/, the best-validated export
PROVENANCE_FILE = "provenance.json"  # beside published weights: the run and step they come from, and why that step
PROCESSES_FILE = "processes.json"  # several processes only: what each saw and ended with (they must agree)


@dataclass
class LoopConfig:
    steps: int                      # total optimisation steps
    run_dir: Path                   # training state, log and samples (git-ignored)
    seed: int = 0                   # seeds weights, data order and noise
    resume: bool = False            # continue from run_dir/state.safetensors when it exists
    log_every: int = 50             # steps between log lines
    sample_every: int = 500         # steps between sample grids
    save_every_s: float = 300.0     # seconds between training-state saves
    snapshot_every: int = 0         # steps between exported snapshots (0: only at the end)
    validate_every: int = 0         # steps between `validate()` calls, when the recipe has one (0: never)
    force: bool = False             # start afresh even where run_dir holds a saved state (else refuse)
    settings: dict | None = None    # the run's configs, saved with the state; a resume must match (steps aside)
    defaults: dict | None = None    # the configs' defaults, same shape: a field a saved state lacks (added since) has them


def seed_everything(seed: int) -> torch.Generator:
    """Seed torch's global RNG (init, dropout, noise) and return the data generator."""
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed + 1)


# --- training state as safetensors -------------------------------------------------------

def save_state(path: Path, recipe: Recipe, step: int, data_gen: torch.Generator, settings: dict | None = None) -> None:
    tensors: dict[str, torch.Tensor] = {}
    groups: dict[str, list] = {}
    for name, module in recipe.modules.items():
        for key, value in module.state_dict().items():
            tensors[f"module.{name}.{key}"] = value.detach().cpu().contiguous()
    for name, opt in recipe.optimizers.items():
        sd = opt.state_dict()
        groups[name] = sd["param_groups"]
        for pid, slots in sd["state"].items():
            for slot, value in slots.items():
                tensors[f"optim.{name}.{pid}.{slot}"] = torch.as_tensor(value).cpu().contiguous()
    tensors["rng.torch"] = torch.get_rng_state()
    tensors["rng.data"] = data_gen.get_state()
    if torch.cuda.is_available():
        for i, state in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng.cuda.{i}"] = state
    metadata = {"step": str(step), "param_groups": json.dumps(groups), "settings": json.dumps(settings)}
    with atomic_path(path) as staging:  # a run killed mid-save keeps the previous state
        save_file(tensors, staging, metadata=metadata)


def saved_settings(path: Path) -> dict:
    """{"settings": the configs and seed a run was started with}, from its saved state; {} where none was recorded."""
    from safetensors import safe_open

    if not path.is_file():
        return {}
    with safe_open(path, "pt") as f:
        saved = json.loads((f.metadata() or {}).get("settings", "null"))
    return {"settings": saved} if saved else {}


def check_settings(path: Path, settings: dict | None, defaults: dict | None = None) -> None:
    """Refuse to resume a run with other configs than it was started with (`steps` may grow). A field the saved
    state lacks was added to its config since: it counts as `defaults` gives it (what the run trained with)."""
    saved = saved_settings(path).get("settings")
    if saved is None or settings is None:
        return  # a state saved before settings were recorded
    defaults = json.loads(json.dumps(defaults or {}))
    saved = {**saved, **{group: {**defaults.get(group, {}), **saved[group]} for group in ("model", "training")}}
    settings = json.loads(json.dumps(settings))  # as saved: tuples become lists (else (0.0, 0.99) != [0.0, 0.99])
    strip = lambda s: {**s, "training": {k: v for k, v in s["training"].items() if k != "steps"}}  # noqa: E731
    if strip(saved) != strip(settings):
        diffs = [f"{group}.{k}: saved {saved[group].get(k)!r}, now {settings[group].get(k)!r}"
                 for group in ("model", "training") for k in settings[group]
                 if k != "steps" and saved[group].get(k) != settings[group].get(k)]
        if saved.get("seed") != settings.get("seed"):
            diffs.append(f"seed: saved {saved.get('seed')}, now {settings.get('seed')}")
        raise SystemExit(f"{path} was saved with other settings ({'; '.join(diffs)}); resume with the same "
                         "--set values, or start afresh with --force")


def load_state(path: Path, recipe: Recipe, data_gen: torch.Generator) -> int:
    """Restore everything `save_state` wrote; returns the step to continue from."""
    from safetensors import safe_open

    with safe_open(path, "pt") as f:
        metadata = f.metadata()
    tensors = load_file(path)
    for name, module in recipe.modules.items():
        prefix = f"module.{name}."
        module.load_state_dict({k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}, strict=True)
    groups = json.loads(metadata["param_groups"])
    for name, opt in recipe.optimizers.items():
        prefix = f"optim.{name}."
        state: dict[int, dict[str, torch.Tensor]] = {}
        for key, value in tensors.items():
            if key.startswith(prefix):
                pid, slot = key[len(prefix):].split(".", 1)
                state.setdefault(int(pid), {})[slot] = value
        opt.load_state_dict({"state": state, "param_groups": groups[name]})
    torch.set_rng_state(tensors["rng.torch"])
    data_gen.set_state(tensors["rng.data"])
    cuda_states = [tensors[k] for k in sorted(tensors) if k.startswith("rng.cuda.")]
    if cuda_states and torch.cuda.is_available() and len(cuda_states) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(cuda_states)
    return int(metadata["step"])


def publish(run_dir: Path, out_dir: Path) -> tuple[list[Path], str]:
    """Copy a finished run's published models into `out_dir/<name>/`: `best/`, the best by validation, when the
    run kept one, else `final/`, the last weights. Returns the folders written and which it was, in words."""
    run_dir = Path(run_dir)
    best = run_dir / BEST_FILE
    source = run_dir / ("best" if best.is_file() and (run_dir / "best").is_dir() else "final")
    kept = json.loads(best.read_text()) if source.name == "best" else None
    which = (f"best by validation (step {kept['step']})" if kept
             else "last weights (no validation kept a best)")
    steps = [r["step"] for r in read_log(run_dir) if "step" in r] if (run_dir / LOG_FILE).is_file() else []
    provenance = {"run": run_dir.name, "chosen": "best by validation" if kept else "last",
                  "step": kept["step"] if kept else max(steps, default=None), "run_steps": max(steps, default=None),
                  **({"validation": kept["figures"]} if kept else {}), **saved_settings(run_dir / STATE_FILE)}
    folders = []
    for model in sorted(p for p in source.iterdir() if p.is_dir()):
        for file in model.iterdir():  # config.json, model.safetensors: written whole, each
            atomic_write(Path(out_dir) / model.name / file.name, file.read_bytes())
        for stale in (Path(out_dir) / model.name / f for f in ("model.onnx", "model.onnx.gz")):
            if stale.is_file():   # the page's copy of the old weights: worse than none
                stale.unlink()
                print(f"removed {stale}, exported from the old weights: python -m ganapp.export onnx {model.name}")
        atomic_write(Path(out_dir) / model.name / PROVENANCE_FILE, json.dumps(provenance, indent=2) + "\n")
        folders.append(Path(out_dir) / model.name)
    return folders, which


def export(recipe: Recipe, out_dir: Path) -> list[Path]:
    """Write each exported model as `out_dir/<name>/` (config.json + model.safetensors)."""
    exported = recipe.exported()
    for name, model in exported.items():
        model.save_pretrained(out_dir / name)
    return [out_dir / name for name in exported]


# --- the loop ------------------------------------------------------------------------------

def train(recipe: Recipe, loop_cfg: LoopConfig, data_gen: torch.Generator, processes: OneProcess | None = None) -> None:
    """Run `recipe` for `loop_cfg.steps` steps; `data_gen` must come from `seed_everything`. Under `accelerate launch`,
    pass `processes.current()`: every process trains, process 0 alone writes (see training/processes.py)."""
    processes = processes or OneProcess()
    main = processes.is_main
    run_dir = Path(loop_cfg.run_dir)
    (run_dir / "samples").mkdir(parents=True, exist_ok=True)
    state_path = run_dir / STATE_FILE
    start = 0
    if loop_cfg.resume and state_path.exists():
        check_settings(state_path, loop_cfg.settings, loop_cfg.defaults)
        start = load_state(state_path, recipe, data_gen)
        if main:
            print(f"resumed from {state_path} at step {start}")
            _truncate_log(run_dir / LOG_FILE, start)  # steps logged after the last save are done again
    elif not loop_cfg.resume:
        if state_path.exists() and not loop_cfg.force:
            raise SystemExit(f"{run_dir} holds a saved run: continue it with --resume, or start afresh with --force")
        if main:
            for stale in (run_dir / LOG_FILE, run_dir / BEST_FILE):
                stale.unlink(missing_ok=True)  # a fresh run starts a fresh log and a fresh best
    processes.attach(recipe, loop_cfg.seed, data_gen, start)

    validating = main and loop_cfg.validate_every > 0 and hasattr(recipe, "validate")
    best_path = run_dir / BEST_FILE
    best = json.loads(best_path.read_text())["value"] if loop_cfg.resume and best_path.exists() else float("-inf")
    last_save = time.monotonic()
    t0 = time.monotonic()
    first_losses = None
    with contextlib.ExitStack() as stack:
        log = stack.enter_context(open(run_dir / LOG_FILE, "a")) if main else None
        bar = stack.enter_context(tqdm(total=loop_cfg.steps, initial=start, dynamic_ncols=True, disable=not main))
        for step in range(start, loop_cfg.steps):
            set_mode(recipe, training=True)
            with processes.autocast():
                losses = recipe.train_step(step, data_gen)
            processes.after_step(recipe)
            first_losses = first_losses or losses
            done = step + 1
            bar.update(1)
            if not main:
                continue
            if done % loop_cfg.log_every == 0 or done == loop_cfg.steps:
                bar.set_postfix({k: f"{v:.3f}" for k, v in losses.items()})
                log.write(json.dumps({"step": done, "seconds": round(time.monotonic() - t0, 1), **losses}) + "\n")
                log.flush()
            if done % loop_cfg.sample_every == 0 or done == loop_cfg.steps:
                save_image(_sample(recipe), run_dir / "samples" / f"step_{done:06d}.png")
            if validating and (done % loop_cfg.validate_every == 0 or done == loop_cfg.steps):
                figures = _validate(recipe)
                if figures is None:
                    validating = False
                    print(f"{type(recipe).__name__} has nothing to validate on: no best is kept, the last weights "
                          "are published")
                else:
                    log.write(json.dumps({"step": done, "validation": figures}) + "\n")
                    log.flush()
                if figures is not None and figures[recipe.select_by] > best:
                    best = figures[recipe.select_by]
                    export(recipe, run_dir / "best")
                    atomic_write(best_path, json.dumps({"step": done, "value": best, "figures": figures}, indent=2))
            if loop_cfg.snapshot_every and done % loop_cfg.snapshot_every == 0:
                export(recipe, run_dir / "snapshots" / f"step_{done:06d}")
            if time.monotonic() - last_save > loop_cfg.save_every_s or done == loop_cfg.steps:
                save_state(state_path, recipe, done, data_gen, loop_cfg.settings)
                last_save = time.monotonic()
    if processes.world > 1:
        _check_processes_agree(recipe, processes, first_losses, run_dir / PROCESSES_FILE)
    if main:
        export(recipe, run_dir / "final")
    processes.wait()


def _check_processes_agree(recipe: Recipe, processes: OneProcess, first_losses: dict | None, path: Path) -> None:
    """Gather from every process its first step's losses (they differ when the processes drew different
    batches) and a fingerprint of the models it would export (which must be identical); process 0 writes
    both to `path` and stops the run when the models differ."""
    weights = torch.cat([t.detach().double().flatten().cpu() for model in recipe.exported().values()
                         for t in model.state_dict().values()])
    position = torch.linspace(0, 1, len(weights), dtype=torch.float64)
    fingerprint = torch.stack([weights.sum(), (weights * weights).sum(), (weights * position).sum()])
    losses = torch.tensor([first_losses[k] for k in sorted(first_losses)] if first_losses else [], dtype=torch.float64)
    fingerprints, first = processes.gather(fingerprint), processes.gather(losses)
    if processes.is_main:
        agree = all(torch.equal(f, fingerprints[0]) for f in fingerprints)
        atomic_write(path, json.dumps({"processes": processes.world, "weights_identical": agree,
                                    "weight_fingerprints": [f.tolist() for f in fingerprints],
                                    "first_step_losses": [f.tolist() for f in first]}, indent=2))
        if not agree:
            raise RuntimeError(f"the processes' models differ (see {path}): gradients were not averaged")


def set_mode(recipe: Recipe, training: bool) -> None:
    """The one place modes are set: in training, the modules an optimiser updates train (batch norm's batch
    statistics, dropout); the others (a weight average such as StyleGAN's, an image history) stay in eval mode.
    Sampling and validation see every module in eval mode."""
    trained = {id(p) for opt in recipe.optimizers.values() for group in opt.param_groups for p in group["params"]}
    for m in recipe.modules.values():
        m.train(training and any(id(p) in trained for p in m.parameters()))


@torch.no_grad()
def _sample(recipe: Recipe) -> torch.Tensor:
    set_mode(recipe, training=False)
    return recipe.sample_grid()


def _truncate_log(path: Path, step: int) -> None:
    if path.exists():
        kept = [line for line in path.read_text().splitlines() if line.strip() and json.loads(line)["step"] <= step]
        atomic_write(path, "".join(line + "\n" for line in kept))


@torch.no_grad()
def _validate(recipe: ValidatedRecipe) -> dict[str, float] | None:
    set_mode(recipe, training=False)
    return recipe.validate()


def read_log(run_dir: Path) -> list[dict]:
    """The JSON-lines training log of a run, for curves and model cards."""
    with open(Path(run_dir) / LOG_FILE) as f:
        return [json.loads(line) for line in f if line.strip()]


def training_seconds(logged: list[dict]) -> float:
    """Seconds of training over every segment of a logged run: a resumed run's clock starts again from 0."""
    total, last = 0.0, 0.0
    for r in logged:
        if "seconds" in r:
            if r["seconds"] < last:
                total += last
            last = r["seconds"]
    return total + last
