// The 2-D GAN in the page: the server trains (families/gan2d/live.py), this module asks for a frame several
// times a second (the gr.HTML server function `frame`, no queue) and draws it: D's heat map under the real and fake
// points, G's noise grid, the gradient arrows, D* beside it, and the three curves. On "drawn" it also collects the
// visitor's points, which every button hands to the server with the page's key (window.ganappGan2d.withPage).
import { say, whenShown } from "../../ui/static/inpage.js";

const POLL_MS = 80;          // at most ~12 frames a second; a slow answer only delays the next ask
const SIZE = 400;            // the plane's canvas, CSS pixels
const SMALL = 200;           // D*'s canvas
const CURVE_W = 300, CURVE_H = 90;

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

function canvas(width, height, label) {
  const c = el("canvas", { width: width * devicePixelRatio, height: height * devicePixelRatio, "aria-label": label,
    role: "img" });
  c.style.width = `${width}px`;
  c.style.height = `${height}px`;
  c.getContext("2d").scale(devicePixelRatio, devicePixelRatio);
  return c;
}

function fill(template, values) {
  return Object.entries(values).reduce((s, [k, v]) => s.replaceAll(`{${k}}`, v), template);
}

export function start(element, props, server) {
  const T = (key, values = {}) => fill(say(props.labels[key]), values);
  const root = element.querySelector(".gan2d");
  const key = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
  const points = [];           // the visitor's own distribution, in plane coordinates
  const images = { heat: new Image(), dstar: new Image() };
  let frame = null, version = null, frames = 0, fps = 0;
  let fpsSince = performance.now(), framesThen = 0;   // the frame rate shown: frames drawn over the last second

  const plane = canvas(SIZE, SIZE, T("plane"));
  plane.classList.add("gan2d-plane");
  const dstar = canvas(SMALL, SMALL, T("dstar"));
  const curves = ["jsd", "value", "modes"].map((name) => [name, canvas(CURVE_W, CURVE_H, T(name))]);
  const status = el("div", { class: "gan2d-status", role: "status" });
  const heatNote = el("div", { class: "gan2d-note" });
  const gapNote = el("div", { class: "gan2d-note gan2d-gap" });
  const drawHint = el("div", { class: "gan2d-note gan2d-draw" });
  const clear = el("button", { type: "button", class: "gan2d-clear" }, T("clear"));
  const side = el("div", { class: "gan2d-side" });
  side.append(el("div", { class: "gan2d-caption" }, T("dstar")), dstar, gapNote, el("div", { class: "gan2d-caption" },
    T("curves")));
  for (const [name, c] of curves) side.append(el("div", { class: "gan2d-note" }, T(name)), c);
  const main = el("div", { class: "gan2d-main" });
  main.append(plane, status, heatNote, drawHint, clear);
  root.append(main, side);

  // Plane coordinates <-> canvas pixels: [-plane, plane]^2, y up.
  const P = props.plane;
  const px = (x, size = SIZE) => ((x + P) / (2 * P)) * size;
  const py = (y, size = SIZE) => ((P - y) / (2 * P)) * size;

  const drawingOn = () => (document.querySelector("#gan2d-distribution input:checked") || {}).value === "drawn";
  function showDrawHint() {
    const on = drawingOn();
    drawHint.textContent = on ? T("draw_hint", { n: points.length }) : "";
    clear.style.display = on ? "" : "none";
  }
  let dragging = false;
  function addPoint(event) {
    if (!drawingOn() || points.length >= props.max_points) return;
    const r = plane.getBoundingClientRect();
    const x = ((event.clientX - r.left) / r.width) * 2 * P - P, y = P - ((event.clientY - r.top) / r.height) * 2 * P;
    points.push([Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000]);
    showDrawHint();
    draw();
  }
  plane.addEventListener("pointerdown", (e) => { dragging = true; addPoint(e); });
  plane.addEventListener("pointermove", (e) => { if (dragging && e.timeStamp % 3 < 1.5) addPoint(e); });
  window.addEventListener("pointerup", () => { dragging = false; });
  clear.addEventListener("click", () => { points.length = 0; showDrawHint(); draw(); });
  document.addEventListener("change", (e) => { if (e.target.closest && e.target.closest("#gan2d-distribution")) showDrawHint(); });

  // Every button's handler gets the page's key and points in its last input (tab.py's hidden `page_state`).
  window.ganappGan2d = {
    withPage(values) {
      const out = values.slice();
      out[out.length - 1] = JSON.stringify({ key, points: drawingOn() ? points : null });
      return out;
    },
    frames: () => frames,    // for the frame-rate benchmark and the browser tests
    last: () => frame && { distribution: frame.distribution, objective: frame.objective, step: frame.step,
      d_only_steps: frame.d_only_steps, gap: frame.gap, modes_total: frame.modes_total },
    key,
  };

  function dots(ctx, flat, colour, radius) {
    ctx.fillStyle = colour;
    for (let i = 0; i < flat.length; i += 2) {
      ctx.beginPath();
      ctx.arc(px(flat[i]), py(flat[i + 1]), radius, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  function draw() {
    const ctx = plane.getContext("2d");
    ctx.clearRect(0, 0, SIZE, SIZE);
    ctx.imageSmoothingEnabled = true;
    if (frame && images.heat.complete) ctx.drawImage(images.heat, 0, 0, SIZE, SIZE);
    else { ctx.fillStyle = "#f6f6f6"; ctx.fillRect(0, 0, SIZE, SIZE); }
    if (frame) {
      ctx.strokeStyle = "rgba(90, 90, 90, 0.55)";
      ctx.lineWidth = 1;
      for (const line of frame.mesh) {
        ctx.beginPath();
        for (let i = 0; i < line.length; i += 2) (i ? ctx.lineTo : ctx.moveTo).call(ctx, px(line[i]), py(line[i + 1]));
        ctx.stroke();
      }
      dots(ctx, frame.real, "#141414", 1.8);
      dots(ctx, frame.fake, "#d7301f", 2.2);
      ctx.strokeStyle = "#7a0177";
      ctx.lineWidth = 1.2;
      const a = frame.arrows;
      for (let i = 0; i < a.length; i += 4) {
        const x0 = px(a[i]), y0 = py(a[i + 1]), x1 = px(a[i] + a[i + 2]), y1 = py(a[i + 1] + a[i + 3]);
        ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
        const angle = Math.atan2(y1 - y0, x1 - x0);
        ctx.beginPath();
        ctx.moveTo(x1, y1);
        ctx.lineTo(x1 - 5 * Math.cos(angle - 0.5), y1 - 5 * Math.sin(angle - 0.5));
        ctx.lineTo(x1 - 5 * Math.cos(angle + 0.5), y1 - 5 * Math.sin(angle + 0.5));
        ctx.closePath(); ctx.fillStyle = "#7a0177"; ctx.fill();
      }
    }
    if (drawingOn()) {
      ctx.fillStyle = "rgba(20, 120, 60, 0.9)";
      for (const [x, y] of points) { ctx.beginPath(); ctx.arc(px(x), py(y), 3, 0, 2 * Math.PI); ctx.fill(); }
    }
    const small = dstar.getContext("2d");
    small.clearRect(0, 0, SMALL, SMALL);
    if (frame && images.dstar.complete) {
      small.drawImage(images.dstar, 0, 0, SMALL, SMALL);
      small.fillStyle = "#141414";
      for (let i = 0; i < frame.real.length; i += 2) small.fillRect(px(frame.real[i], SMALL), py(frame.real[i + 1], SMALL), 1.2, 1.2);
    }
    drawCurves();
  }

  function drawCurves() {
    if (!frame) return;
    const c = frame.curves, n = c.step.length;
    const series = {
      jsd: [[c.jsd, "#2c69be", []]], value: [[c.value, "#d7301f", []], [c.value_dstar, "#555", [2, 3]]],
      modes: [[c.modes, "#1b7837", []]],
    };
    const bounds = { jsd: [0, Math.log(2)], value: [-Math.log(4) - 0.2, 0.2], modes: [0, frame.modes_total] };
    for (const [name, cv] of curves) {
      const ctx = cv.getContext("2d");
      ctx.clearRect(0, 0, CURVE_W, CURVE_H);
      ctx.fillStyle = "#fafafa"; ctx.fillRect(0, 0, CURVE_W, CURVE_H);
      let [lo, hi] = bounds[name];
      for (const [values] of series[name]) for (const v of values) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      const y = (v) => CURVE_H - 4 - ((v - lo) / (hi - lo || 1)) * (CURVE_H - 8);
      const x = (i) => 4 + (n > 1 ? (i / (n - 1)) * (CURVE_W - 8) : 0);
      const guide = name === "value" ? -Math.log(4) : name === "jsd" ? 0 : frame.modes_total;
      ctx.setLineDash([5, 4]); ctx.strokeStyle = "#999"; ctx.beginPath();
      ctx.moveTo(0, y(guide)); ctx.lineTo(CURVE_W, y(guide)); ctx.stroke();
      for (const [values, colour, dash] of series[name]) {
        ctx.setLineDash(dash); ctx.strokeStyle = colour; ctx.lineWidth = 1.5; ctx.beginPath();
        let started = false;
        values.forEach((v, i) => {
          if (v === null) return;
          if (started) ctx.lineTo(x(i), y(v)); else { ctx.moveTo(x(i), y(v)); started = true; }
        });
        ctx.stroke();
      }
      ctx.setLineDash([]);
      const last = series[name][0][0][n - 1];
      if (last !== undefined && last !== null) {
        ctx.fillStyle = "#333"; ctx.font = "11px sans-serif";
        ctx.fillText(name === "modes" ? `${last} / ${frame.modes_total}` : last.toFixed(3), CURVE_W - 70, 12);
      }
    }
  }

  function describe() {
    if (!frame) { status.textContent = T("no_run"); return; }
    const parts = [T("steps", { steps: frame.step, d_steps: frame.d_only_steps, seconds: frame.seconds.toFixed(1) })];
    if (frame.queue) parts.push(T("waiting", { n: frame.queue }));
    parts.push(T("fps", { fps: fps.toFixed(0) }));
    status.textContent = parts.join(" · ");
    heatNote.textContent = T(frame.heat_kind === "probability" ? "heat_probability" : "heat_score");
    gapNote.textContent = frame.gap === null ? T("gap_none") : T("gap", { gap: frame.gap.toFixed(3) });
  }

  async function poll() {
    const asked = performance.now();
    try {
      const answer = await server.frame([key, version]);
      if (answer && answer.fake) {   // else nothing new: {"empty": true} or {"version": ...}
        if (!answer.real) answer.real = frame.real;   // the same run: its real points do not change
        frame = answer;
        version = answer.version;
        await Promise.all([[images.heat, frame.heat], [images.dstar, frame.dstar]].map(([img, src]) => new Promise((done) => {
          img.onload = done; img.onerror = done; img.src = src;
        })));
        draw();
        frames += 1;
        plane.dataset.frames = String(frames);
      }
      const now = performance.now();
      if (now - fpsSince > 1000) {
        fps = ((frames - framesThen) * 1000) / (now - fpsSince);
        framesThen = frames;
        fpsSince = now;
      }
      describe();
    } catch (error) {
      console.warn("ganapp: gan2d frame:", error);
    }
    setTimeout(poll, Math.max(0, POLL_MS - (performance.now() - asked)));
  }

  showDrawHint();
  describe();
  draw();
  whenShown(element, poll);
}
