// @ts-check
// Drawing your own data in the 2-D lab (lab.js): points added with the pointer (a click, a
// drag) or the keyboard's cursor on a pane's plane, undone or cleared, kept in the link.
// Methods of LabMode (panel-parts.js).

import { MAX_DRAWN, roundPoints } from "./lab-url.js";
import { toPlane } from "./lab-view.js";
import { $ } from "./page.js";

/** How far one arrow key moves the drawing cursor (Shift: four times that). */
const CURSOR_STEP = 0.05;
/** The least distance between two points a drag adds. */
const DRAG_SPACING = 0.025;

/** The lab's methods for drawing data. */
export const drawMethods = {
  /** The drawn points become `points` (rounded as a link keeps them); the run restarts. */
  setDrawn(points) {
    this.state.drawn = roundPoints(points.slice(0, 2 * MAX_DRAWN));
    this.syncForm();
    this.writeHash();
    const n = this.state.drawn.length / 2;
    if (this.drawing) this.restart({ note: `${n} point${n === 1 ? "" : "s"} drawn: the run starts again on them.` });
  },

  /** Adds point (x, y) to the drawn ones while a stroke goes on (the run restarts at its end). */
  addDrawn(x, y) {
    if (this.state.drawn.length >= 2 * MAX_DRAWN) {
      this.say(`At most ${MAX_DRAWN} points: remove some to draw more.`);
      return false;
    }
    this.state.drawn = [...this.state.drawn, ...roundPoints([x, y])];
    $("lab-drawn-count").textContent = String(this.state.drawn.length / 2);
    this.drawAll();
    return true;
  },

  /** The point of the plane under a pointer event on `canvas`. */
  planePoint(canvas, event) {
    const rect = canvas.getBoundingClientRect();
    return toPlane(event.clientX - rect.left, event.clientY - rect.top, rect.width);
  },

  /** Pointer and keyboard drawing on a pane's plane. */
  bindPlane(canvas, pane) {
    canvas.addEventListener("pointerdown", (event) => {
      if (!this.drawing || event.button !== 0) return;
      event.preventDefault();
      canvas.focus({ preventScroll: true });
      canvas.setPointerCapture?.(event.pointerId);
      const [x, y] = this.planePoint(canvas, event);
      this.cursor = [x, y];
      this.stroke = { id: event.pointerId, last: [x, y] };
      this.addDrawn(x, y);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!this.stroke || this.stroke.id !== event.pointerId) return;
      const [x, y] = this.planePoint(canvas, event);
      const [lx, ly] = this.stroke.last;
      if (Math.hypot(x - lx, y - ly) < DRAG_SPACING) return;
      this.stroke.last = [x, y];
      this.cursor = [x, y];
      this.addDrawn(x, y);
    });
    const endStroke = (event) => {
      if (!this.stroke || this.stroke.id !== event.pointerId) return;
      this.stroke = null;
      this.setDrawn(this.state.drawn);
    };
    canvas.addEventListener("pointerup", endStroke);
    canvas.addEventListener("pointercancel", endStroke);
    canvas.addEventListener("focus", () => {
      this.cursorPane = pane;
      this.drawAll();
    });
    canvas.addEventListener("blur", () => {
      this.cursorPane = null;
      this.drawAll();
    });
    canvas.addEventListener("keydown", (event) => {
      if (!this.drawing) return;
      const step = event.shiftKey ? 4 * CURSOR_STEP : CURSOR_STEP;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      const clamp = (v) => Math.max(-1, Math.min(1, v));
      if (moves[event.key]) {
        const [dx, dy] = moves[event.key];
        this.cursor = [clamp(this.cursor[0] + dx), clamp(this.cursor[1] + dy)];
        this.drawAll();
      } else if (event.key === "Enter" || event.key === " ") {
        if (this.addDrawn(...this.cursor)) this.setDrawn(this.state.drawn);
      } else if (event.key === "Backspace" || event.key === "Delete") {
        this.setDrawn(this.state.drawn.slice(0, -2));
      } else {
        return;
      }
      event.preventDefault();
    });
  },
};
