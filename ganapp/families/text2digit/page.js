// Text to digit in the page: the digit at t between two descriptions. The server sends, once per strip, the strip's
// noise and the two sentence embeddings (a hidden JSON beside it); moving the slider decodes the point between them
// here, with no request.
import { drawGrid, startTab } from "../../ui/static/inpage.js";

const f32 = Math.fround;

export function start(element, props) {
  startTab(element, props, async ({ generator }, canvas, ends, t) => {
    if (!Array.isArray(ends) || ends.length !== 3) return;   // the strip has not been drawn yet
    const [z, a, b] = ends, at = f32(t), rest = f32(1 - at);
    // (1 - t) * a + t * b in float32, operation by operation, as inference.decode_between computes it
    const text = Float32Array.from(a, (x, i) => f32(f32(rest * x) + f32(at * b[i])));
    const output = await generator.run({ z: [Float32Array.from(z), [1, z.length]], text: [text, [1, text.length]] });
    drawGrid(canvas, output, props.value_range);
  });
}
