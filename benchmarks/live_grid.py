"""The "Train a GAN" defaults, chosen by a grid: `python -m benchmarks.live_grid [--seeds 2] [--max-steps 1500]
[--only SETTING ...] [--batches 64 32] [--out live_grid]`.

For each setting (learning rates, batch size) of the tab's default run (DCGAN, non-saturating loss, one CPU
thread), train from each seed and let the evaluator read the 64 fixed-noise samples every 25 generator steps, until
they are recognisable (the issue's bar: mean top-class probability >= 0.8 and all ten digits among the 64). Steps
do not depend on how busy the machine is; the seconds per step are measured in the same run. Writes
benchmarks/<out>.md and .json (default live_grid); `--only` keeps the settings named (as in the table's first
column). Not part of the test suite.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import torch

from ganapp.families.gantrain.live import LiveRun

OUT = Path(__file__).resolve().parent
CHECK_EVERY = 25   # generator steps between two reads of the evaluator
# (name, lr_d, lr_g, batch): the tab's defaults first, then the InfoGAN paper's rates and two others, each at two batches
GRID = [("2e-4 / 2e-4", 2e-4, 2e-4), ("D 2e-4 / G 1e-3 (InfoGAN)", 2e-4, 1e-3), ("5e-4 / 5e-4", 5e-4, 5e-4)]
BATCHES = (64, 32)


def steps_to_recognisable(lr_d: float, lr_g: float, batch: int, seed: int, max_steps: int) -> dict:
    run = LiveRun("dcgan", "nonsaturating", seed, lr_d=lr_d, lr_g=lr_g, batch_size=batch)
    start, read = time.perf_counter(), (0.0, 0)
    while run.step < max_steps:
        for _ in range(CHECK_EVERY):
            run.train_step()
        read = run.evaluator_read()
        if read[0] >= 0.8 and read[1] == 10:
            break
    seconds = time.perf_counter() - start
    reached = read[0] >= 0.8 and read[1] == 10
    return {"steps": run.step if reached else None, "seconds": seconds if reached else None,
            "seconds_per_step": seconds / run.step, "confidence": read[0], "digits": read[1]}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.live_grid")
    p.add_argument("--seeds", type=int, default=2)
    p.add_argument("--max-steps", type=int, default=1500)
    p.add_argument("--only", nargs="*", help="settings to run, by name (default: the whole grid)")
    p.add_argument("--batches", type=int, nargs="*", default=list(BATCHES))
    p.add_argument("--out", default="live_grid", help="name of the .md and .json written in benchmarks/")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    load = os.getloadavg()[0]
    rows, table = [], []
    for name, lr_d, lr_g in GRID:
        if args.only and name not in args.only:
            continue
        for batch in args.batches:
            runs = [steps_to_recognisable(lr_d, lr_g, batch, seed, args.max_steps) for seed in range(args.seeds)]
            rows.append({"setting": name, "lr_d": lr_d, "lr_g": lr_g, "batch": batch, "runs": runs})
            print(rows[-1], flush=True)
            steps = [r["steps"] for r in runs]
            done = [r for r in runs if r["steps"] is not None]
            per_step = statistics.mean(r["seconds_per_step"] for r in runs)
            shown = ", ".join("—" if s is None else str(s) for s in steps)
            median = f"{statistics.median(r['seconds'] for r in done):.0f} s" if len(done) == len(runs) else "not all reached"
            table.append(f"| {name} | {batch} | {shown} | {1000 * per_step:.0f} ms | {median} |")
    text = "\n".join([
        f"# Live training defaults: a grid ({date.today().isoformat()})", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, 1 thread, torch {torch.__version__}, load average "
        f"{load:.2f} at the start (above 1, other work shared the cores: seconds are then slower than on an idle "
        f"machine; steps are not). Command: `python -m benchmarks.live_grid {shlex.join(argv if argv is not None else sys.argv[1:])}`. DCGAN, non-saturating loss, Adam betas (0.5, 0.999). Recognisable: "
        f"the evaluator's mean top-class probability ≥ 0.8 and all ten digits among 64 samples, read every {CHECK_EVERY} steps.",
        "", "| learning rates (D / G) | batch | generator steps to recognisable, per seed | time per step | median time |",
        "|---|---|---|---|---|", *table, ""])
    (OUT / f"{args.out}.md").write_text(text)
    (OUT / f"{args.out}.json").write_text(json.dumps(rows, indent=1) + "\n")
    print(text)


if __name__ == "__main__":
    main()
