// A pad to draw a digit on (ui/inputs.py: drawing_pad), or to drop or choose a picture of one.
//
// Why not Gradio's image editor: it sends a drawing to the server about 1.2 s after the stroke ends (its own
// export, then three uploads per editor), so a morph that follows the drawing cannot follow it within a second.
// This pad is a plain canvas: when a stroke ends, its picture (a PNG data URL) becomes the component's value at
// once, and the tab's change event sends it with the other inputs in one request. The server reads it as any
// uploaded picture (images.open_user_image, bounded, then images.to_mnist). A file that is not a picture fails
// here, in the browser, and the pad's note says so for a few seconds.
import { say } from "./inpage.js";

const SIDE = 280;      // the canvas's own pixels, as Gradio's editor had (its brush 18 px wide)
const INK = 18;        // stroke width in those pixels: a digit drawn across the pad comes out MNIST-thick
const NOTE_S = 10;     // seconds the "not a picture" note stays

export function start(element, props) {
  const canvas = element.querySelector("canvas");
  const note = element.querySelector(".drawing-note");
  const file = element.querySelector("input[type=file]");
  element.querySelector(".drawpad-label").textContent = say(props.pad_label);
  element.querySelector(".drawpad-clear").textContent = say(props.clear);
  element.querySelector(".drawpad-choose").textContent = say(props.choose);
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", say(props.pad_label));
  canvas.width = canvas.height = SIDE;
  const ctx = canvas.getContext("2d");

  const send = () => { props.value = canvas.toDataURL("image/png"); };   // Gradio's change event follows
  const clear = () => {
    ctx.clearRect(0, 0, SIDE, SIDE);
    note.classList.remove("shown");
    props.value = "";
  };

  // Strokes: the pointer's path, in canvas pixels whatever size CSS shows the canvas at. One pointer draws (a
  // second finger is ignored), with its main button (a right click draws nothing).
  let last = null, drawing = null;
  const at = (event) => {
    const r = canvas.getBoundingClientRect();
    return [(event.clientX - r.left) * (SIDE / r.width), (event.clientY - r.top) * (SIDE / r.height)];
  };
  const line = (from, to) => {
    ctx.strokeStyle = "#000";
    ctx.lineWidth = INK;
    ctx.lineCap = ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(...from);
    ctx.lineTo(...to);
    ctx.stroke();
  };
  canvas.addEventListener("pointerdown", (event) => {
    if (drawing !== null || !event.isPrimary || event.button !== 0) return;
    drawing = event.pointerId;
    canvas.setPointerCapture(event.pointerId);
    last = at(event);
    line(last, last);   // a tap is a dot
  });
  canvas.addEventListener("pointermove", (event) => {
    if (event.pointerId !== drawing) return;
    const next = at(event);
    line(last, next);
    last = next;
  });
  const end = (event) => {
    if (event.pointerId !== drawing) return;
    drawing = last = null;
    send();
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  // A picture: drawn to fit the pad, the rest filled with its corner's colour (a white digit on black stays so).
  const show = async (blob) => {
    let picture;
    try {
      picture = await createImageBitmap(blob);
    } catch (error) {
      note.textContent = say(props.not_a_picture);   // set as it shows, so that a screen reader reads it
      note.classList.add("shown");
      clearTimeout(note.hideTimer);
      note.hideTimer = setTimeout(() => note.classList.remove("shown"), NOTE_S * 1000);
      return;
    }
    note.classList.remove("shown");
    const scale = Math.min(SIDE / picture.width, SIDE / picture.height);
    const w = picture.width * scale, h = picture.height * scale;
    ctx.clearRect(0, 0, SIDE, SIDE);
    ctx.drawImage(picture, (SIDE - w) / 2, (SIDE - h) / 2, w, h);
    const [r, g, b, a] = ctx.getImageData(Math.round((SIDE - w) / 2), Math.round((SIDE - h) / 2), 1, 1).data;
    ctx.globalCompositeOperation = "destination-over";   // behind the picture: only its margins show it
    ctx.fillStyle = `rgba(${r}, ${g}, ${b}, ${a / 255})`;
    ctx.fillRect(0, 0, SIDE, SIDE);
    ctx.globalCompositeOperation = "source-over";
    send();
  };
  file.addEventListener("change", () => {
    if (file.files.length) show(file.files[0]);
    file.value = "";   // the same file chosen again is a change too
  });
  const pad = element.querySelector(".drawpad");   // a file dropped anywhere on the pad, not only on its canvas
  pad.addEventListener("dragover", (event) => event.preventDefault());
  pad.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer.files.length) show(event.dataTransfer.files[0]);
  });
  element.querySelector(".drawpad-clear").addEventListener("click", clear);
  pad.classList.add("drawpad-ready");   // listening (the tests wait for it)
}
