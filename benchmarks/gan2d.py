"""The 2-D GAN's measured figures: `python -m benchmarks.gan2d [--seconds 20] [--seeds 5]`.

- Coverage: every objective x seed on the ring and the grid, each a fresh run with the tab's defaults trained for
  `--seconds` of wall time on one thread: modes covered, the high-quality share and the JSD on 2,000 fresh samples,
  the steps reached and the time per 1,000 steps.
- D after "Train D only": on the ring and the moons, G trained 300 steps then frozen, D trained alone; its mean
  |D - D*| (weighted by p_data + p_g) after each 500 of its updates.
Writes benchmarks/gan2d.json (the tab reads it) and .md, and the README's section between <!-- gan2d:start -->
and <!-- gan2d:end -->. The frame rate is measured in the browser: `python -m benchmarks.gan2d_frames`.
Not part of the test suite.
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from datetime import date
from pathlib import Path

import torch

from ganapp.families.gan2d.distributions import built_in
from ganapp.families.gan2d.live import OBJECTIVES_2D, Run2D
from ganapp.files import atomic_write
from ganapp.messages import markdown_table
from ganapp.reports import splice_readme

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "gan2d.json"


def timed_run(distribution: str, objective: str, seed: int, seconds: float) -> dict:
    run = Run2D(built_in(distribution), objective, seed)
    run.mode = "train"
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        run.train_steps(50)
    elapsed = time.monotonic() - start
    return {"distribution": distribution, "objective": objective, "seed": seed, "steps": run.step,
            "seconds_per_1000_steps": round(1000 * elapsed / run.step, 2), **run.figures()}


def d_only(distribution: str, updates: int = 3000, every: int = 500, seed: int = 0) -> list[dict]:
    run = Run2D(built_in(distribution), "nonsaturating", seed)
    run.mode = "train"
    run.train_steps(300)
    run.mode = "d_only"
    rows = []
    while run.d_only_steps < updates:
        run.train_steps(every)
        rows.append({"d_updates": run.d_only_steps, "gap": round(run.d_star_gap()[0], 4)})
    return rows


def table(results: dict) -> str:
    rows = []
    for distribution in ("ring8", "grid25"):
        for objective in OBJECTIVES_2D:
            runs = [r for r in results["coverage"] if r["distribution"] == distribution and r["objective"] == objective]
            if not runs:
                continue
            total = runs[0]["modes_total"]
            full = sum(r["modes_covered"] == total and r["high_quality_share"] >= 0.8 for r in runs)
            rows.append([distribution, objective, " ".join(str(r["modes_covered"]) for r in runs) + f" of {total}",
                         f"{100 * statistics.mean(r['high_quality_share'] for r in runs):.1f}% "
                         f"(± {100 * statistics.pstdev(r['high_quality_share'] for r in runs):.1f})",
                         f"{statistics.mean(r['jsd'] for r in runs):.3f}", f"{full} of {len(runs)}",
                         f"{statistics.mean(r['seconds_per_1000_steps'] for r in runs):.2f} s",
                         f"{statistics.mean(r['steps'] for r in runs):.0f}"])
    coverage = markdown_table(["data", "objective", "modes covered (each seed)", "high-quality share (mean ± sd)",
                               "JSD (nats)", "all modes and ≥ 80% high quality", "time per 1,000 steps", "steps in the time"],
                              rows)
    gaps = markdown_table(["data", *(f"after {r['d_updates']} D updates" for r in results["d_only"]["ring8"])],
                          [[name, *(f"{r['gap']:.3f}" for r in rows)] for name, rows in results["d_only"].items()])
    return (f"Each run: a fresh GAN with the tab's defaults, {results['seconds']:.0f} s of wall time on one thread, then "
            f"2,000 fresh samples; {results['seeds']} seeds. Measured {results['date']} on {results['machine']}.\n\n"
            f"{coverage}\n\nD after \"Train D only\" (G trained 300 steps, then frozen): mean |D − D*|, weighted by "
            f"p_data + p_g over the plane.\n\n{gaps}\n")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.gan2d")
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--objectives", nargs="*", default=list(OBJECTIVES_2D))
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    coverage = []
    for distribution in ("ring8", "grid25"):
        for objective in args.objectives:
            for seed in range(args.seeds):
                coverage.append(timed_run(distribution, objective, seed, args.seconds))
                print(json.dumps(coverage[-1]), flush=True)
    results = {"date": str(date.today()), "machine": f"{platform.machine()}, {torch.get_num_threads()} thread",
               "seconds": args.seconds, "seeds": args.seeds, "coverage": coverage,
               "d_only": {name: d_only(name) for name in ("ring8", "moons")}}
    atomic_write(RESULTS, json.dumps(results, indent=1) + "\n")
    text = table(results)
    atomic_write(HERE / "gan2d.md", "# The 2-D GAN, measured (`python -m benchmarks.gan2d`)\n\n" + text)
    splice_readme("gan2d", text)
    print(text)


if __name__ == "__main__":
    main()
