// InfoGAN in the page: the digit and both code sliders redraw here; a seed's noise comes from the server, once.
import { cached, drawGrid, startTab } from "../../ui/static/inpage.js";

export function start(element, props, server) {
  const noise = cached((seed) => server.infogan_noise(seed));
  startTab(element, props, async ({ generator }, canvas, digit, c1, c2, seed) => {
    const z = await noise(seed);
    const output = await generator.run({
      z: [z, [1, z.length]],
      category: [BigInt64Array.from([BigInt(props.category_of_digit[digit])]), [1]],
      continuous: [Float32Array.from([c1, c2]), [1, 2]],
    });
    drawGrid(canvas, output, props.value_range);
  });
}
