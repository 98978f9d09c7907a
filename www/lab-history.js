// @ts-check
// A pane's figures over the steps in the 2-D lab (lab.js): the losses and D's outputs of
// every trained step and the KL and JS divergences of every frame, thinned when long.

/** Steps of history kept per pane before it is thinned to every other step. */
const HISTORY_LIMIT = 20_000;

/** A pane's figures over the steps: four per trained step, KL and JS per frame. */
export class LabHistory {
  constructor() {
    this.step = [];
    this.lossD = [];
    this.lossG = [];
    this.dReal = [];
    this.dFake = [];
    this.frameStep = [];
    this.kl = [];
    this.js = [];
  }

  /** Records a frame: its `losses` (4 per step, the last step being `frame.step`), KL and JS. */
  record(frame) {
    const trained = Math.floor(frame.losses.length / 4);
    for (let i = 0; i < trained; i++) {
      this.step.push(frame.step - trained + 1 + i);
      this.lossD.push(frame.losses[4 * i]);
      this.lossG.push(frame.losses[4 * i + 1]);
      this.dReal.push(frame.losses[4 * i + 2]);
      this.dFake.push(frame.losses[4 * i + 3]);
    }
    if (trained > 0 || this.frameStep.length === 0) {
      this.frameStep.push(frame.step);
      this.kl.push(frame.kl);
      this.js.push(frame.js);
    }
    for (const [steps, series] of [[this.step, ["step", "lossD", "lossG", "dReal", "dFake"]], [this.frameStep, ["frameStep", "kl", "js"]]]) {
      if (steps.length > HISTORY_LIMIT) for (const name of series) this[name] = this[name].filter((_, i) => i % 2 === 1);
    }
  }

  /** The last finite value of series `name`, else NaN. */
  last(name) {
    const values = this[name];
    for (let i = values.length - 1; i >= 0; i--) if (Number.isFinite(values[i])) return values[i];
    return NaN;
  }
}
