"""The 2-D GAN's frame rate: `python -m benchmarks.gan2d_frames [--seconds 10] [--calls 30]`.

Against `python app.py`, in one run on this machine: the cGAN endpoint's latency through gradio_client with the
server idle (p50 and p95 over `--calls` calls, distinct inputs), then headless Chromium opens the "GAN in 2-D" tab
and presses Start, and over `--seconds` the page's frames drawn per second are counted (window.ganappGan2d.frames)
while the same cGAN calls are timed again. Writes benchmarks/gan2d_frames.json and the README's section between
<!-- gan2d_frames:start --> and <!-- gan2d_frames:end -->. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

from benchmarks.inpage import free_port, percentile
from ganapp.files import atomic_write
from ganapp.reports import splice_readme

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def cgan_latencies(client, calls: int, offset: int) -> list[float]:
    out = []
    for i in range(calls):
        start = time.perf_counter()
        client.predict((offset + i) % 10, 16, offset + i, api_name="/cgan_generate")
        out.append(1000 * (time.perf_counter() - start))
    return out


def main(argv=None) -> None:
    from gradio_client import Client
    from playwright.sync_api import sync_playwright

    p = argparse.ArgumentParser(prog="python -m benchmarks.gan2d_frames", description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--calls", type=int, default=30)
    args = p.parse_args(argv)
    port = free_port()
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env={**os.environ, "GRADIO_SERVER_PORT": str(port)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                client = Client(url, verbose=False)
                break
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(1)
        cgan_latencies(client, 5, 10_000)                      # warm up
        idle = cgan_latencies(client, args.calls, 0)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1100})
            page.goto(f"{url}?tab=gan2d")
            page.wait_for_function("() => window.ganappGan2d !== undefined", timeout=60000)
            page.click("#gan2d-start")
            page.wait_for_function("() => window.ganappGan2d.frames() > 3", timeout=60000)
            busy: list[float] = []
            timer = threading.Thread(target=lambda: busy.extend(cgan_latencies(Client(url, verbose=False),
                                                                                args.calls, 1000)))
            first = page.evaluate("() => window.ganappGan2d.frames()")
            start = time.perf_counter()
            timer.start()
            page.wait_for_timeout(1000 * args.seconds)
            frames = page.evaluate("() => window.ganappGan2d.frames()") - first
            elapsed = time.perf_counter() - start
            status = page.inner_text(".gan2d-status")
            timer.join()
            browser.close()
    finally:
        server.terminate()
        server.wait()
    results = {"date": str(date.today()), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
               "frames_per_second": round(frames / elapsed, 1), "seconds": round(elapsed, 1), "status": status,
               "cgan_idle_ms": {"p50": round(statistics.median(idle), 1), "p95": round(percentile(idle, 95), 1)},
               "cgan_while_training_ms": {"p50": round(statistics.median(busy), 1), "p95": round(percentile(busy, 95), 1)}}
    results["cgan_p50_ratio"] = round(results["cgan_while_training_ms"]["p50"] / results["cgan_idle_ms"]["p50"], 2)
    atomic_write(ROOT / "benchmarks" / "gan2d_frames.json", json.dumps(results, indent=1) + "\n")
    text = (f"Frame rate in headless Chromium while one run trains: **{results['frames_per_second']} frames/s** over "
            f"{results['seconds']} s (the page's status then: \"{status}\"). The cGAN endpoint meanwhile: p50 "
            f"{results['cgan_while_training_ms']['p50']} ms (p95 {results['cgan_while_training_ms']['p95']}), against "
            f"{results['cgan_idle_ms']['p50']} ms (p95 {results['cgan_idle_ms']['p95']}) idle, in the same run: "
            f"{results['cgan_p50_ratio']}× (bar: ≤ 1.5×). `python -m benchmarks.gan2d_frames`, {results['date']}, "
            f"{results['machine']}.")
    splice_readme("gan2d_frames", text)
    print(text)


if __name__ == "__main__":
    main()
