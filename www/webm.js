// @ts-check
// A WebM video of grey frames, recorded by the browser's MediaRecorder from a canvas's
// stream (the Runs panel's time-lapse of a run's progress grids: runs-panel.js). The stream
// is captureStream(0): it sends a frame only when asked (requestFrame), so each video frame
// is one frame drawn here, and the next is drawn once the browser has shown a frame
// (requestAnimationFrame), never after a fixed sleep; a hidden tab draws no frames, so the
// recording waits until the page is shown again. Where MediaRecorder cannot write
// video/webm, `webmSupported` says so and the panel offers the GIF alone.

/** The container MediaRecorder is asked for. */
const WEBM = "video/webm";
/** The shortest side of the video: small grids are enlarged, by a whole factor, to at least this. */
const MIN_VIDEO_SIDE = 256;

/** Whether this browser's MediaRecorder can record a canvas as WebM. */
export function webmSupported() {
  return typeof MediaRecorder !== "undefined" && MediaRecorder.isTypeSupported(WEBM) &&
    typeof HTMLCanvasElement.prototype.captureStream === "function";
}

/**
 * The whole factor that enlarges a `width` x `height` picture until its shorter side is at
 * least `minSide` (1 when it already is): crisp pixels, and a video encoder's blocks that do
 * not smear a small grid.
 */
export function videoScale(width, height, minSide = MIN_VIDEO_SIDE) {
  return Math.max(1, Math.ceil(minSide / Math.max(1, Math.min(width, height))));
}

/**
 * Records `frames` (grey pictures of one size, `{ width, height, grey }`) as a WebM video,
 * each shown for `repeats[i]` video frames (one number: all alike), enlarged by videoScale.
 * A video frame lasts one of the display's frames (about 1/60 s), so the video plays at the
 * pace of the screen. `onProgress(done, total)` hears of each picture drawn.
 * @param {{ width: number, height: number, grey: ArrayLike<number> }[]} frames
 * @param {{ repeats: number | number[], onProgress?: (done: number, total: number) => void }} options
 * @returns {Promise<Blob>}
 */
export async function recordWebm(frames, { repeats, onProgress = () => {} }) {
  if (!webmSupported()) throw new Error("this browser cannot record WebM");
  if (frames.length === 0) throw new Error("a video needs at least one frame");
  const { width, height } = frames[0];
  const scale = videoScale(width, height);
  const canvas = document.createElement("canvas");
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  const picture = new OffscreenCanvas(width, height);
  const pictureCtx = picture.getContext("2d");
  const stream = canvas.captureStream(0);
  const track = /** @type {CanvasCaptureMediaStreamTrack} */ (stream.getVideoTracks()[0]);
  const recorder = new MediaRecorder(stream, { mimeType: WEBM });
  /** @type {Blob[]} */ const chunks = [];
  recorder.addEventListener("dataavailable", (e) => chunks.push(e.data));
  const stopped = new Promise((resolve, reject) => {
    recorder.addEventListener("stop", resolve);
    recorder.addEventListener("error", (e) => reject(/** @type {any} */ (e).error ?? new Error("the recorder failed")));
  });
  // Where drawing fails first, that error is the one reported: the recorder's, if it follows,
  // must not become an unhandled rejection.
  stopped.catch(() => {});
  // (No waiting for its "start" event: Chromium sends it with the first frame.)
  recorder.start();
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const rgba = new Uint8ClampedArray(4 * width * height);
  try {
    for (const [i, frame] of frames.entries()) {
      if (frame.width !== width || frame.height !== height) throw new Error(`frame ${i} is ${frame.width} x ${frame.height}, not ${width} x ${height}`);
      for (let p = 0; p < width * height; p++) {
        rgba[4 * p] = rgba[4 * p + 1] = rgba[4 * p + 2] = frame.grey[p];
        rgba[4 * p + 3] = 255;
      }
      pictureCtx.putImageData(new ImageData(rgba, width, height), 0, 0);
      const times = typeof repeats === "number" ? repeats : repeats[i] ?? 1;
      for (let r = 0; r < times; r++) {
        // Redrawn for each request, so that each has a fresh draw to capture (cheap at this size).
        ctx.drawImage(picture, 0, 0, canvas.width, canvas.height);
        track.requestFrame();
        await nextFrame();
      }
      onProgress(i + 1, frames.length);
    }
  } finally {
    recorder.stop();
    track.stop();
  }
  await stopped;
  return new Blob(chunks, { type: recorder.mimeType || WEBM });
}
