"""How soon the VAE tab's morph follows a drawing: `python -m benchmarks.vae_drawing [--strokes 10]`.

Starts `python app.py`, opens the VAE tab in headless Chromium, opens "Draw your own start or end digit" and draws
`--strokes` strokes on the start pad, a few seconds apart, as a visitor does. Each figure: seconds from the stroke's
end (the mouse button released) until the strip shows the new morph. Bar (issue #34, item 5): ≤ 1 s.
Writes benchmarks/vae_drawing.{md,json} and the README's `vae_drawing` section. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import time
from datetime import date
from pathlib import Path

from benchmarks.__main__ import free_port
from benchmarks.session import FLAGS, launch, wait_until_served
from ganapp.reports import splice_readme

OUT = Path(__file__).resolve().parent
BAR_S = 1.0


def stroke_seconds(page, index: int) -> float:
    """One stroke down the pad (a little to the right each time); seconds from its end to the new strip."""
    canvas = page.locator("#vae-start-drawing .drawpad-ready canvas")
    before = page.eval_on_selector("#vae-strip img", "e => e.src")
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] * (0.25 + 0.05 * (index % 10)), box["y"] + box["height"] * 0.2
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(12):
        page.mouse.move(x + (k % 3 - 1) * 5, y + k * box["height"] * 0.05, steps=2)
    start = time.perf_counter()
    page.mouse.up()
    page.wait_for_function("b => document.querySelector('#vae-strip img').src !== b", arg=before, timeout=60000,
                           polling=10)
    return time.perf_counter() - start


def main() -> None:
    from playwright.sync_api import sync_playwright

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--strokes", type=int, default=10)
    p.add_argument("--pause", type=float, default=2.0, help="seconds between strokes")
    args = p.parse_args()
    port = free_port()
    load = os.getloadavg()[0]
    server = launch(port)
    try:
        wait_until_served(server, port)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_role("tab", name="VAE").click()
            page.wait_for_selector("#vae-strip img", timeout=120000)
            page.get_by_text("Draw your own start or end digit").click()
            seconds = []
            for i in range(args.strokes):
                page.wait_for_timeout(args.pause * 1000)
                seconds.append(stroke_seconds(page, i))
            browser.close()
    finally:
        server.terminate()
        server.wait(20)
    median, worst = statistics.median(seconds), max(seconds)
    met = "met" if worst <= BAR_S else "**missed**"
    body = (f"A stroke on the VAE tab's drawing pad until the strip shows the new morph, in headless Chromium "
            f"(`python -m benchmarks.vae_drawing --strokes {args.strokes}`, {date.today()}, {platform.machine()}, "
            f"{os.cpu_count()} cores, load average {load:.2f} at the start): median **{median:.2f} s**, worst "
            f"{worst:.2f} s over {len(seconds)} strokes (each: {', '.join(f'{s:.2f}' for s in seconds)}). "
            f"Bar ≤ {BAR_S:.0f} s: {met}.\n")
    (OUT / "vae_drawing.md").write_text(body)
    (OUT / "vae_drawing.json").write_text(json.dumps({"seconds": seconds, "median": median, "worst": worst,
                                                      "load_average": load, "bar_s": BAR_S}, indent=1) + "\n")
    splice_readme("vae_drawing", body)
    print(body)


if __name__ == "__main__":
    main()
