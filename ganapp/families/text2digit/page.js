// Text to digit in the page: the strip between two descriptions, and the digit at t between them. The server reads
// the descriptions and sends, once per pair, the strip's noise and the two sentence embeddings (a hidden JSON beside
// the strip); the strip and every position of the slider are decoded from them here, with no request.
import { drawGrid, startTab } from "../../ui/static/inpage.js";

const f32 = Math.fround;

/** Noise and sentence embeddings for the digits at positions `ts` between the embeddings a and b: (1 - t) a + t b
 * in float32, operation by operation, as inference.decode_between computes it. */
function inputs(z, a, b, ts) {
  const n = ts.length, zs = new Float32Array(n * z.length), text = new Float32Array(n * a.length);
  ts.forEach((t, k) => {
    const at = f32(t), rest = f32(1 - at);
    zs.set(z, k * z.length);
    for (let i = 0; i < a.length; i++) text[k * a.length + i] = f32(f32(rest * a[i]) + f32(at * b[i]));
  });
  return { z: [zs, [n, z.length]], text: [text, [n, a.length]] };
}

export function start(element, props) {
  const strip = props.kind === "strip";
  startTab(element, props, async ({ generator }, canvas, ends, t) => {
    if (!Array.isArray(ends) || ends.length !== 3) return;   // the descriptions have not been read yet
    const [z, a, b] = ends;
    // the strip's positions k / (steps - 1), as inference.strip_positions; the frame: the slider's t
    const ts = strip ? Array.from({ length: props.steps }, (_, k) => k / (props.steps - 1)) : [t];
    const output = await generator.run(inputs(z, a, b, ts));
    drawGrid(canvas, output, props.value_range, ts.length, strip ? 2 : 0);
  });
}
