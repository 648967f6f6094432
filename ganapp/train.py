"""Train a model: `python -m ganapp.train <model> [--steps N] [--seed S] [--resume] ...`.

Each family supplies a recipe (`ganapp/families/<family>/recipe.py`, named in the registry) with
two dataclasses: the model's config (saved with the weights) and the training settings. Any field of either can be set
with `--set name=value`. The full training state is saved every few minutes in `--run-dir`
(git-ignored); `--resume` continues from it. At the end the inference models are written to
`<run-dir>/final/`; the best by validation, for recipes that validate, in `<run-dir>/best/`. `--export` (e.g.
`checkpoints/`) copies the best there, or the last weights where the run kept no best.

Examples:
    python -m ganapp.train classifier
    python -m ganapp.train cgan --seed 1 --resume
    python -m ganapp.train cyclegan --threads 1 --set base_filters=24 --set n_blocks=6
    accelerate launch --num_processes 2 -m ganapp.train cgan     # data-parallel (training/processes.py)
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shlex
from pathlib import Path

import torch

from .checks import parse_value
from .device import pick_device, set_cpu_threads
from .registry import FAMILIES, MODELS
from .training.loop import LoopConfig, publish, seed_everything, train
from .training.processes import current


def typed_like(default, raw: str, pair: str):
    """`raw` parsed as JSON and checked against the type of the field's default (1e4 is an int
    when integral; lists stay lists)."""
    value = parse_value(raw)
    if isinstance(default, bool):
        if isinstance(value, str) and value.lower() in ("yes", "no"):
            value = value.lower() == "yes"
        ok = isinstance(value, bool) or value in (0, 1)
        value = bool(value)
    elif isinstance(default, int):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()
        value = int(value) if ok else value
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    else:
        ok = isinstance(value, type(default)) or (isinstance(default, (list, tuple)) and isinstance(value, list))
    if not ok:
        raise SystemExit(f"--set {pair}: expected a value like {default!r}")
    return value


def apply_overrides(configs: list, pairs: list[str]) -> list:
    """Apply `name=value` pairs to whichever dataclass has the field (values typed like the default)."""
    configs = list(configs)
    for pair in pairs:
        name, _, raw = pair.partition("=")
        for i, config in enumerate(configs):
            if name in {f.name for f in dataclasses.fields(config)}:
                configs[i] = dataclasses.replace(config, **{name: typed_like(getattr(config, name), raw, pair)})
                break
        else:
            known = sorted(f.name for config in configs for f in dataclasses.fields(config))
            raise SystemExit(f"--set {pair}: unknown field {name!r}; known: {', '.join(known)}")
    return configs


def changed_fields(family_name: str, settings: dict) -> dict:
    """The fields of a run's settings (its saved configs) that differ from `family_name`'s recipe defaults, steps aside."""
    family = FAMILIES[family_name]
    recipe_class = family.part(family.recipe)
    defaults = {**dataclasses.asdict(recipe_class.model_config_class()),
                **dataclasses.asdict(recipe_class.train_config_class())}
    given = {**settings["model"], **settings["training"]}
    return {k: v for k, v in given.items()
            if k != "steps" and k in defaults and json.loads(json.dumps(defaults[k])) != v}


def command_for(family_name: str, settings: dict, run_dir: str, validate_every: int | None = None) -> str:
    """The `python -m ganapp.train` command that trains `family_name` with `settings` (a run's saved configs and
    seed, as `publish` records them beside the weights): `--set` for every field that differs from the recipe's
    defaults, so a card states the recipe its weights were trained with, not one typed beside them."""
    steps = settings["training"].get("steps")
    sets = ["--set " + shlex.quote(f"{k}={v if isinstance(v, str) else json.dumps(v, separators=(',', ':'))}")
            for k, v in changed_fields(family_name, settings).items()]
    return " ".join(["python -m ganapp.train", family_name, "--threads 1", f"--run-dir {run_dir}",
                     *([f"--steps {steps}"] if steps else []), *([f"--seed {settings['seed']}"] if settings.get("seed") else []),
                     *([f"--validate-every {validate_every}"] if validate_every else []), *sets, "--export checkpoints"])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m ganapp.train", description=__doc__.split("\n")[0])
    trainable = {name: (name, ()) for name, f in FAMILIES.items() if f.recipe}  # a family: its recipe's defaults
    trainable |= {name: (m.family, m.training) for name, m in MODELS.items() if m.training}  # a model: its presets
    p.add_argument("model", choices=sorted(trainable),
                   help="a family (its recipe's defaults) or one of its models with its own presets (e.g. vae2d)")
    p.add_argument("--steps", type=int, help="total steps (default: the recipe's)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--resume", action="store_true", help="continue from <run-dir>/state.safetensors if present")
    p.add_argument("--force", action="store_true", help="start afresh even where <run-dir> holds a saved state")
    p.add_argument("--run-dir", type=Path, help="training state, log, samples (default: runs/<model>)")
    p.add_argument("--data", help="data folder (default: $GANAPP_DATA or ../shared/data)")
    p.add_argument("--threads", type=int, help="CPU threads (default: $GANAPP_THREADS or all cores)")
    p.add_argument("--export", type=Path, help="also copy the published models here, e.g. checkpoints: the best "
                                                 "by validation where the run kept one, else the last")
    p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="override a config field")
    p.add_argument("--save-every", type=float, default=300.0, help="seconds between training-state saves")
    p.add_argument("--sample-every", type=int, default=500)
    p.add_argument("--snapshot-every", type=int, default=0, help="export inference weights every N steps")
    p.add_argument("--validate-every", type=int, default=250,
                   help="steps between validations, for recipes that measure themselves; the best is kept in <run-dir>/best")
    p.add_argument("--deterministic", action="store_true",
                   help="deterministic algorithms only (torch.use_deterministic_algorithms; cuBLAS workspace set); slower on GPUs")
    args = p.parse_args(argv)

    if args.deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # before CUDA starts: cuBLAS's deterministic mode
        torch.use_deterministic_algorithms(True, warn_only=True)  # ops without a deterministic kernel warn, not fail
        torch.backends.cudnn.benchmark = False
    # Several processes on one machine share its cores (accelerate launch sets LOCAL_WORLD_SIZE).
    set_cpu_threads(args.threads or max(1, (os.cpu_count() or 1) // int(os.environ.get("LOCAL_WORLD_SIZE", "1"))))
    processes = current()  # one process, or several under `accelerate launch`
    family_name, presets = trainable[args.model]
    family = FAMILIES[family_name]
    recipe_class = family.part(family.recipe)
    model_cfg, train_cfg = recipe_class.model_config_class(), recipe_class.train_config_class()
    if args.steps:
        args.set.append(f"steps={args.steps}")
    model_cfg, train_cfg = apply_overrides([model_cfg, train_cfg], [*presets, *args.set])  # yours win
    if processes.is_main:
        print(f"model: {model_cfg}\ntraining: {train_cfg}" + (f"\nprocesses: {processes.world}" if processes.world > 1 else ""))

    data_gen = seed_everything(args.seed)
    recipe = recipe_class(model_cfg, train_cfg, data_root=args.data, device=processes.device(pick_device()))
    run_dir = args.run_dir or Path("runs") / (args.model if args.seed == 0 else f"{args.model}-seed{args.seed}")
    settings = {"model": dataclasses.asdict(model_cfg), "training": dataclasses.asdict(train_cfg), "seed": args.seed}
    defaults = {"model": dataclasses.asdict(recipe_class.model_config_class()),
                "training": dataclasses.asdict(recipe_class.train_config_class())}
    loop = LoopConfig(steps=train_cfg.steps, run_dir=run_dir, seed=args.seed, resume=args.resume, force=args.force,
                      settings=settings, defaults=defaults, save_every_s=args.save_every, sample_every=args.sample_every,
                      snapshot_every=args.snapshot_every, validate_every=args.validate_every)
    train(recipe, loop, data_gen, processes)
    if args.export and processes.is_main:  # what the docs promise: the best checkpoint where one was kept
        folders, which = publish(run_dir, args.export)
        for folder in folders:
            print(f"exported {folder}: {which}")
    if processes.is_main:
        print(f"done: {run_dir}")


if __name__ == "__main__":
    main()
