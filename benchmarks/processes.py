"""Training throughput in one process and in several: `python -m benchmarks.processes [--steps 300]`.

Runs the same recipe (the conditional GAN's, batch 64 per process, one CPU thread per process) for `--steps`
steps with plain `python -m ganapp.train`, then with `accelerate launch --multi_gpu --num_processes N` (on a
machine without GPUs: N CPU processes over gloo), and compares training images per second, read from the
runs' own logs (the time of the last logged step minus the time of the first, so start-up is not counted).
Writes benchmarks/processes.md. Not part of the test suite; run it on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent / "processes.md"


def images_per_second(run_dir: Path, batch: int, processes: int) -> tuple[float, float]:
    """(images/s, s/step) between the first and the last logged step."""
    rows = [json.loads(line) for line in (run_dir / "log.jsonl").read_text().splitlines()]
    rows = [r for r in rows if "seconds" in r]
    first, last = rows[0], rows[-1]
    seconds_per_step = (last["seconds"] - first["seconds"]) / (last["step"] - first["step"])
    return batch * processes / seconds_per_step, seconds_per_step


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.processes")
    p.add_argument("--family", default="cgan")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args(argv)
    train = ["-m", "ganapp.train", args.family, "--steps", str(args.steps), "--threads", "1", "--force",
             "--validate-every", "0", "--sample-every", str(10 * args.steps), "--set", f"batch_size={args.batch_size}"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (1, args.processes):
            run_dir = Path(tmp) / f"p{n}"
            launcher = [sys.executable] if n == 1 else [
                sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", str(n),
                "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
                "--num_cpu_threads_per_process", "1", "--main_process_port", str(free_port())]
            subprocess.run([*launcher, *train, "--run-dir", str(run_dir)], check=True, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            rate, step_s = images_per_second(run_dir, args.batch_size, n)
            rows.append((n, rate, step_s))
            print(f"{n} process(es): {rate:.0f} images/s, {1000 * step_s:.0f} ms/step", flush=True)
    base = rows[0][1]
    text = "\n".join([
        f"# Training throughput, one process vs {args.processes} ({date.today().isoformat()})", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, no GPU. "
        f"Command: `python -m benchmarks.processes --family {args.family} --steps {args.steps} "
        f"--processes {args.processes}` ({args.family} recipe, batch {args.batch_size} per process, one thread each; "
        "steps 50 to the end, from the runs' logs).", "",
        "| processes | training images / s | ms per step | speed-up |", "|---|---|---|---|",
        *[f"| {n} | {rate:.0f} | {1000 * s:.0f} | {rate / base:.2f}× |" for n, rate, s in rows], ""])
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
