// InfoGAN in the page: the digit and both code sliders redraw here, the noise of a seed comes from the server once.
import { drawGrid, hideById, open, ready, say, useServer, whenShown } from "../../ui/static/inpage.js";

export function start(element, props, server) {
  const box = element.querySelector(".inpage-box");   // ours: Gradio re-renders the element's own classes
  const canvas = element.querySelector("canvas");
  const note = element.querySelector(".inpage-note");
  canvas.setAttribute("aria-label", say(props.label));
  const noise = new Map();   // seed -> Float32Array, asked of the server once per seed
  whenShown(element, async () => {
    let model;
    try {
      model = await open(props.static_dir, props.models.generator);
    } catch (error) {
      note.textContent = say(props.fallback_note);
      console.warn("ganapp: drawing on the server:", error);
      box.classList.add("inpage-server");
      useServer(props.tab);
      return;
    }
    box.classList.add("inpage-ready");
    hideById(props.server_image);
    ready(props.tab, async (digit, c1, c2, seed) => {
      if (!noise.has(seed)) noise.set(seed, Float32Array.from(await server.infogan_noise(seed)));
      const z = noise.get(seed);
      const output = await model.run({
        z: [z, [1, z.length]],
        category: [BigInt64Array.from([BigInt(props.category_of_digit[digit])]), [1]],
        continuous: [Float32Array.from([c1, c2]), [1, 2]],
      });
      drawGrid(canvas, output, props.value_range);
      canvas.dataset.drawn = JSON.stringify([digit, c1, c2, seed]);   // for tests: what the canvas shows
    });
  });
}
