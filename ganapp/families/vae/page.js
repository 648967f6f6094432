// The VAE tab in the page. The morph's frame at t: the server sends the two latent means once per strip (a hidden
// JSON beside it), and moving the slider decodes the point between them here. The 2-D latent maps: the map is
// decoded here (16 x 16 points at once), and moving the pointer over it (or touching it) decodes that very point,
// live, with no request to the server.
import { drawGrid, hideById, open, ready, say, startTab, useServer, whenShown } from "../../ui/static/inpage.js";

export function start(element, props) {
  if (props.kind === "morph") return morph(element, props);
  return latentMap(element, props);
}

// The point at fraction t between a and b, as inference.frames_between computes it: straight ("lerp", "even") or
// along a great circle ("slerp", Shoemake 1985; lerp where a and b are (anti)parallel).
function between(a, b, t, method) {
  if (method === "slerp") {
    const norm = (v) => Math.hypot(...v);
    const cos = a.reduce((s, x, i) => s + (x / norm(a)) * (b[i] / norm(b)), 0);
    const omega = Math.acos(Math.min(Math.max(cos, -1 + 1e-7), 1 - 1e-7)), so = Math.sin(omega);
    if (Math.abs(so) >= 1e-6) {
      const wa = Math.sin((1 - t) * omega) / so, wb = Math.sin(t * omega) / so;
      return Float32Array.from(a, (x, i) => wa * x + wb * b[i]);
    }
  }
  return Float32Array.from(a, (x, i) => x + t * (b[i] - x));
}

// "even": where along the straight line the picture has changed by the fraction t of its whole change, measured on
// `samples` decoded points (inference.even_positions). The pixel lengths are computed once per pair of ends.
let measured = { key: null, length: null };

async function pixelLengths(decoder, a, b, samples) {
  const key = JSON.stringify([a, b]);
  if (measured.key === key) return measured.length;
  const d = a.length, z = new Float32Array(samples * d);
  for (let k = 0; k < samples; k++) z.set(between(a, b, k / (samples - 1), "lerp"), k * d);
  const pixels = (await decoder.run({ z: [z, [samples, d]] })).data, size = pixels.length / samples;
  const length = [0];
  for (let k = 1; k < samples; k++) {
    let sum = 0;
    for (let p = 0; p < size; p++) sum += (pixels[k * size + p] - pixels[(k - 1) * size + p]) ** 2;
    length.push(length[k - 1] + Math.sqrt(sum));
  }
  measured = { key, length };
  return length;
}

async function evenPosition(decoder, a, b, t, samples) {
  const length = await pixelLengths(decoder, a, b, samples), total = length[samples - 1];
  if (total === 0) return t;
  const target = Math.min(Math.max(t, 0), 1) * total;
  let i = length.findIndex((s) => s >= target);
  i = Math.min(Math.max(i, 1), samples - 1);
  const lo = length[i - 1], hi = length[i];
  return (i - 1 + (hi > lo ? (target - lo) / (hi - lo) : 0)) / (samples - 1);
}

function morph(element, props) {
  startTab(element, props, async ({ decoder }, canvas, ends, method, t) => {
    if (!Array.isArray(ends) || ends.length !== 2) return;   // the strip has not been drawn yet
    const [a, b] = ends, d = a.length;
    const at = method === "even" ? await evenPosition(decoder, a, b, t, props.even_samples) : t;
    drawGrid(canvas, await decoder.run({ z: [between(a, b, at, method), [1, d]] }), props.value_range);
  });
}

function latentMap(element, props) {
  const box = element.querySelector(".inpage-box");
  const [point, map] = element.querySelectorAll("canvas");   // the decoded point first: what /latent_decode draws
  const note = element.querySelector(".inpage-note");
  map.setAttribute("aria-label", say(props.label));
  whenShown(element, async () => {
    let decoder;
    note.textContent = say(props.loading_note);
    try {
      decoder = await open(props.static_dir, props.models.decoder);
    } catch (error) {
      console.warn(`ganapp: ${props.tab} is drawn on the server:`, error);
      note.textContent = say(props.fallback_note);
      useServer(props.tab);
      return;
    }
    const [x0, y0, side] = props.square, n = props.tiles;
    // The centres of an n x n grid over the square, top row first, computed as sampling.grid_points does.
    const z = new Float32Array(2 * n * n);
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        z[2 * (row * n + col)] = x0 + ((col + 0.5) / n) * side;
        z[2 * (row * n + col) + 1] = y0 + ((n - 1 - row + 0.5) / n) * side;
      }
    }
    drawGrid(map, await decoder.run({ z: [z, [n * n, 2]] }), props.value_range, n, 0);
    box.classList.add("inpage-ready");
    for (const id of props.server_images) hideById(id);
    // (u, v) in 0-1 across from the left and up from the bottom, as /latent_decode takes them.
    ready(props.tab, async (u, v) => {
      const at = Float32Array.from([x0 + u * side, y0 + v * side]);
      drawGrid(point, await decoder.run({ z: [at, [1, 2]] }), props.value_range);
      note.textContent = say(props.point_note).replace("{x}", at[0].toFixed(2)).replace("{y}", at[1].toFixed(2));
      point.dataset.drawn = JSON.stringify([u, v]);
    });
    const follow = (event) => {
      const r = map.getBoundingClientRect();
      const u = Math.min(Math.max((event.clientX - r.left) / r.width, 0), 1);
      const v = Math.min(Math.max(1 - (event.clientY - r.top) / r.height, 0), 1);
      window.ganappInPage.request(props.tab, [u, v]);
    };
    map.addEventListener("pointermove", follow);
    map.addEventListener("pointerdown", follow);
    window.ganappInPage.request(props.tab, [0.5, 0.5]);   // the square's centre, until the pointer moves
  });
}
