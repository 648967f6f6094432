// ganapp's models in the visitor's browser: one small module for every tab that draws in the page.
//
// A tab's model (checkpoints/<name>/model.onnx.gz, `python -m ganapp.export onnx`) runs here with onnxruntime-web
// (vendored: static/vendor/onnxruntime-web, WebAssembly, one thread), so a dragged slider redraws with no request
// to the server. The server stays the only source of noise: a tab asks it once per seed for that seed's noise,
// then only its codes change here. Pixels are computed as the server computes its PNGs (images.to_pil: clamp,
// scale to 0-255 in float32, round half to even), so the page's picture and the API's are the same.
// When the page cannot run a model (no WebAssembly SIMD, a file that fails to load), `open` rejects and the tab
// falls back to the server's drawing by itself.

const VENDOR = "vendor/onnxruntime-web/";
let runtime = null;                 // one promise for the runtime, shared by every tab
const sessions = new Map();         // model url -> promise of its InferenceSession

/** The static files' base URL (Gradio serves them at <root>/gradio_api/file=<path>). */
export function fileUrl(path) {
  const root = (window.gradio_config && window.gradio_config.root) || window.location.origin;
  return `${root.replace(/\/$/, "")}/gradio_api/file=${path}`;
}

/** Whether this browser can run the WebAssembly SIMD build at all (the only one shipped). */
export function canRun() {
  try {
    // The smallest module that uses a SIMD instruction (v128.const): valid only where SIMD is supported.
    const simd = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20,
      0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);
    return typeof WebAssembly === "object" && WebAssembly.validate(simd) && typeof DecompressionStream === "function";
  } catch (e) {
    return false;
  }
}

/** The bytes of a gzipped static file, undone here (the server sends the .gz files as they are). */
async function gunzipped(path) {
  const packed = await fetch(fileUrl(path));
  if (!packed.ok) throw new Error(`${path}: HTTP ${packed.status}`);
  return new Response(packed.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
}

async function loadRuntime(staticDir) {
  if (!canRun()) throw new Error("this browser cannot run WebAssembly SIMD");
  const ort = await import(fileUrl(`${staticDir}/${VENDOR}ort.wasm.bundle.min.mjs`));
  const binary = await gunzipped(`${staticDir}/${VENDOR}ort-wasm-simd-threaded.wasm.gz`);
  ort.env.wasm.numThreads = 1;       // no cross-origin isolation needed; the server's cores stay free anyway
  ort.env.wasm.wasmBinary = binary;
  return ort;
}

/** The session for one model file (model.onnx.gz), created once (fetched the first time a tab asks for it). */
export async function open(staticDir, modelPath) {
  runtime = runtime || loadRuntime(staticDir);
  const ort = await runtime;
  if (!sessions.has(modelPath)) {
    const created = gunzipped(modelPath).then((bytes) =>
      ort.InferenceSession.create(new Uint8Array(bytes), { executionProviders: ["wasm"] }));
    created.catch(() => sessions.delete(modelPath));   // a failed load is tried again by the next tab that asks
    sessions.set(modelPath, created);
  }
  const session = await sessions.get(modelPath);
  return {
    /** Run the graph: `inputs` maps each input name to [data (Float32Array or BigInt64Array), dims]. */
    async run(inputs) {
      const feeds = {};
      for (const [name, [data, dims]] of Object.entries(inputs)) {
        feeds[name] = new ort.Tensor(data instanceof BigInt64Array ? "int64" : "float32", data, dims);
      }
      const output = (await session.run(feeds))[session.outputNames[0]];
      return { data: output.data, dims: output.dims };
    },
  };
}

/** The text of `texts` ({"en": ..., "zh-CN": ...}) in the language the page shows. */
export function say(texts) {
  const first = (navigator.languages && navigator.languages[0]) || navigator.language || "en";  // as Gradio picks
  return texts[first.toLowerCase().startsWith("zh") ? "zh-CN" : "en"] || texts.en;
}

const f32 = Math.fround;

function roundHalfEven(v) {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Grey levels of one (1, H, W) image in `range`, as images.to_pil computes them. */
export function greyLevels(data, offset, count, range) {
  const [lo, hi] = range;
  const out = new Uint8ClampedArray(count);
  for (let i = 0; i < count; i++) {
    const x = Math.min(Math.max(data[offset + i], lo), hi);
    out[i] = roundHalfEven(f32(f32(f32(x - lo) / f32(hi - lo)) * 255));
  }
  return out;
}

/** Draw images (B, 1, h, w) on `canvas` as a grid of `columns`, `padding` pixels of the range's low end between
 * them (the layout of images.grid), at their own pixel size: CSS scales the canvas, pixelated. */
export function drawGrid(canvas, output, range, columns = 1, padding = 0) {
  const [b, , h, w] = output.dims;
  const cols = Math.min(columns, b), rows = Math.ceil(b / cols);
  const width = b === 1 ? w : cols * (w + padding) + padding;
  const height = b === 1 ? h : rows * (h + padding) + padding;
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  const picture = ctx.createImageData(width, height);
  for (let j = 3; j < picture.data.length; j += 4) picture.data[j] = 255;  // opaque; padding is the low end: 0
  const pad = b === 1 ? 0 : padding;
  for (let k = 0; k < b; k++) {
    const grey = greyLevels(output.data, k * h * w, h * w, range);
    const x0 = pad + (k % cols) * (w + pad), y0 = pad + Math.floor(k / cols) * (h + pad);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const j = 4 * ((y0 + y) * width + x0 + x), v = grey[y * w + x];
        picture.data[j] = picture.data[j + 1] = picture.data[j + 2] = v;
      }
    }
  }
  ctx.putImageData(picture, 0, 0);
}

/** Hide the element with id `id` for good (a stylesheet rule: Gradio re-renders its elements' own classes). */
export function hideById(id) {
  const style = document.createElement("style");
  style.textContent = `#${CSS.escape(id)} { display: none !important; }`;
  document.head.append(style);
}

/** Redraws that never pile up: while one runs, only the latest request waits, as a dragged slider needs. */
export function latestOnly(draw) {
  let running = null, pending = null;
  return function request(...args) {
    pending = args;
    if (running) return running;
    running = (async () => {
      try {
        while (pending) {
          const next = pending;
          pending = null;
          await draw(...next);
        }
      } finally {
        running = null;   // a draw that failed leaves the next change free to draw
      }
    })();
    return running;
  };
}

/** Call `start` once, the first time `element` is on screen (its tab opened and scrolled to) and still there a
 * moment later: a tab's models load only then, each when its part of the tab comes into view (a link to another
 * tab shows the first one for an instant while the page starts). */
export function whenShown(element, start) {
  let started = false, inView = false;
  const shown = () => inView && element.offsetParent !== null;
  const check = () => {
    if (started || !shown()) return;
    setTimeout(() => {
      if (started || !shown()) return;
      started = true;
      observer.disconnect();
      start();
    }, 400);
  };
  const observer = new IntersectionObserver((entries) => {
    inView = entries[entries.length - 1].isIntersecting;
    check();
  });
  observer.observe(element);
}

/** A tab's whole in-page life, for its page script: when the tab is first shown, load its model (props.models,
 * role -> file); then `draw(models, canvas, ...values)` runs on every change of its controls, the latest only, and
 * the server's picture (props.server_image) steps aside. If the model cannot run here, the server draws instead
 * and the note (props.fallback_note) says so. */
export function startTab(element, props, draw) {
  const box = element.querySelector(".inpage-box");   // ours: Gradio re-renders the element's own classes
  const canvas = element.querySelector("canvas");
  const note = element.querySelector(".inpage-note");
  if (props.label) canvas.setAttribute("aria-label", say(props.label));
  whenShown(element, async () => {
    const models = {};
    note.textContent = say(props.loading_note);
    try {
      for (const [role, path] of Object.entries(props.models)) models[role] = await open(props.static_dir, path);
    } catch (error) {
      console.warn(`ganapp: ${props.tab} is drawn on the server:`, error);
      note.textContent = say(props.fallback_note);
      box.classList.add("inpage-server");
      useServer(props.tab);
      return;
    }
    box.classList.add("inpage-ready");
    note.textContent = "";
    hideById(props.server_image);
    ready(props.tab, async (...values) => {
      await draw(models, canvas, ...values);
      canvas.dataset.drawn = JSON.stringify(values);   // what the canvas shows (the tests read it)
    });
  });
}

/** Numbers asked of the server once per key (a seed's noise), then kept. */
export function cached(ask) {
  const kept = new Map();
  return async (...key) => {
    const k = JSON.stringify(key);
    if (!kept.has(k)) {
      kept.set(k, ask(...key).then((values) => Float32Array.from(values.flat()), (error) => {
        kept.delete(k);   // a failed request is asked again next time
        throw error;
      }));
    }
    return kept.get(k);
  };
}

/** The page's registry of in-page tabs, which the controls' browser-only events call (ui/inpage.py):
 * `request(tab, values)` draws in the page when the tab's model runs here, else asks the server (its hidden
 * button), and while the model is still loading keeps the latest values for when it is ready. */
const tabs = new Map();   // tab -> { state: "loading" | "ready" | "server", draw, values }

export function register(tab) {
  if (!tabs.has(tab)) tabs.set(tab, { state: "loading", draw: null, values: null });
  return tabs.get(tab);
}

export function request(tab, values) {
  const entry = register(tab);
  entry.values = values;
  if (entry.state === "ready") return entry.draw(...values);
  if (entry.state === "server") serverDraw(tab);
  return null;
}

export function ready(tab, draw) {
  const entry = register(tab);
  entry.draw = latestOnly(draw);
  entry.state = "ready";
  if (entry.values) return entry.draw(...entry.values);
  return null;
}

export function useServer(tab) {
  register(tab).state = "server";
  serverDraw(tab);
}

function serverDraw(tab) {
  const button = document.querySelector(`#${tab}-server-draw`);
  if (button) (button.tagName === "BUTTON" ? button : button.querySelector("button") || button).click();
}

window.ganappInPage = { request, ready, useServer, register };
// Controls that moved before this module arrived (the page's first values) left their latest values here.
for (const [tab, values] of Object.entries(window.ganappInPageQueue || {})) register(tab).values = values;
