"""Checks that TensorBoard reads `gan train --log DIR`'s event files (a tool, not a test: it
needs TensorBoard, which lives in the bench venv, never in CI).

It loads DIR with TensorBoard's own EventAccumulator and prints every scalar tag with its
(step, value) pairs and every image tag with its (step, width, height, PNG bytes).

    ~/.cache/gan-studio/bench-venv/bin/pip install tensorboard   # once
    gan train --model wgan-gp --steps 20 --batch 4 --log-every 5 --save-every 10 --log /tmp/tb --out /tmp/tb.bpk
    ~/.cache/gan-studio/bench-venv/bin/python tools/tensorboard/check_events.py /tmp/tb
"""

import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    events = EventAccumulator(sys.argv[1], size_guidance={"images": 0, "scalars": 0})
    events.Reload()
    tags = events.Tags()
    if not tags["scalars"]:
        sys.exit(f"no scalars in {sys.argv[1]}")
    for tag in tags["scalars"]:
        print(tag, [(e.step, round(e.value, 4)) for e in events.Scalars(tag)])
    for tag in tags["images"]:
        print(tag, [(e.step, e.width, e.height, len(e.encoded_image_string)) for e in events.Images(tag)])


if __name__ == "__main__":
    main()
