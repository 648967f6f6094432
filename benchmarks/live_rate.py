"""The "Train a GAN" tab's training rate against the same run's standalone rate:
`python -m benchmarks.live_rate [--seconds 30] [--rounds 5]`.

Standalone: the tab's default run (DCGAN, non-saturating, its default rates and batch, seed 0) trained in this
process on one thread for `--seconds`, before the first tab run and after each: generator updates per second. In the
tab: `python app.py` is started, headless Chromium opens "Train a GAN", presses Start, and after `--seconds` of wall time reads the step the page shows (the
page's own timer polls the server about once a second, as a visitor's does); updates per second of wall time,
counted from the first tick that shows training. `--rounds` tab runs, each against the mean of the standalone runs
around it; the median is the figure. The issue's bar: the tab's rate ≥ 90% of the standalone one. Writes
benchmarks/live_rate.json and .md. Not part of the test suite; run it on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import torch

from benchmarks.gan2d_frames import FLAGS
from benchmarks.inpage import free_port
from ganapp.families.gantrain.live import LiveRun

ROOT = Path(__file__).resolve().parent.parent
STEP = re.compile(r"Step \*{0,2}(\d+)")


def standalone_rate(seconds: float) -> float:
    torch.set_num_threads(1)
    run = LiveRun("dcgan", "nonsaturating", 0)
    run.train_for(2.0)                      # warm-up, as the tab's process has by its first shown step
    steps, start = run.step, time.perf_counter()
    run.train_for(seconds)
    return (run.step - steps) / (time.perf_counter() - start)


def page_step(page) -> int:
    match = STEP.search(page.locator("#gantrain-status").inner_text())
    return int(match.group(1)) if match else 0


def tab_rate(seconds: float) -> tuple[float, str]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env={**os.environ, "GRADIO_SERVER_PORT": str(port)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1100})
            for _ in range(120):
                try:
                    page.goto(f"http://127.0.0.1:{port}/?tab=gantrain")
                    break
                except Exception:  # noqa: BLE001 - not up yet
                    time.sleep(1)
            page.get_by_role("button", name="▶ Start").click()
            page.wait_for_function("() => /Step \\D*[1-9]/.test(document.querySelector('#gantrain-status').innerText)",
                                   timeout=120000)
            first, start = page_step(page), time.perf_counter()
            page.wait_for_timeout(1000 * seconds)
            last, elapsed = page_step(page), time.perf_counter() - start
            status = page.locator("#gantrain-status").inner_text()
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return (last - first) / elapsed, status


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.live_rate", description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--rounds", type=int, default=5, help="tab runs, each between two standalone runs")
    args = p.parse_args(argv)
    if args.rounds < 1:
        p.error("--rounds must be at least 1")
    # The machine's own speed drifts by several per cent from one minute to the next, and one tab run reads from 88%
    # to 100%: each tab run is set against the mean of the standalone runs just before and after it, and the median
    # of the rounds is the figure.
    alone = [standalone_rate(args.seconds)]
    in_tab = []
    for _ in range(args.rounds):
        rate, status = tab_rate(args.seconds)
        in_tab.append(rate)
        alone.append(standalone_rate(args.seconds))
    ratios = [rate / ((alone[i] + alone[i + 1]) / 2) for i, rate in enumerate(in_tab)]
    results = {"date": str(date.today()), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
               "load_average_at_end": round(os.getloadavg()[0], 2), "seconds": args.seconds,
               "standalone_updates_per_s": [round(a, 2) for a in alone], "tab_updates_per_s": [round(r, 2) for r in in_tab],
               "ratios": [round(r, 3) for r in ratios], "ratio": round(statistics.median(ratios), 3), "status": status}
    (ROOT / "benchmarks" / "live_rate.json").write_text(json.dumps(results, indent=1) + "\n")
    text = (f"# The live trainer's rate in the tab ({results['date']})\n\n"
            f"Default run (DCGAN, non-saturating, seed 0), one thread, {args.rounds} rounds of {args.seconds:g} s. "
            f"Standalone: {', '.join(f'{a:.2f}' for a in alone)} generator updates/s (before the first round and "
            f"after each); in the tab, read from the page while its timer polled the server: "
            f"{', '.join(f'{r:.2f}' for r in in_tab)} updates/s, each against the mean of the standalone runs around "
            f"it: {', '.join(f'{100 * r:.0f}%' for r in ratios)}. Median **{100 * results['ratio']:.0f}%** of standalone "
            f"(bar: ≥ 90%). `python -m benchmarks.live_rate --seconds {args.seconds:g} --rounds {args.rounds}`, "
            f"{results['machine']}, load average {results['load_average_at_end']:.2f} at the end.\n")
    (ROOT / "benchmarks" / "live_rate.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
