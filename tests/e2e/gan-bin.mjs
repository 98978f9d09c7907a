// Where the tests and benchmarks find the native CLI, with no dependency, so the node-only unit
// tests can import it too.
//
//   GAN_BIN=/path/to/gan   the CLI (default: $CARGO_TARGET_DIR/release/gan, with
//                          CARGO_TARGET_DIR defaulting to ~/.cache/gan-studio/target as in
//                          scripts/test.sh)

import { homedir } from "node:os";
import { join } from "node:path";

/** The native CLI's path: GAN_BIN, or the release build in the project's target directory. */
export const GAN_BIN = process.env.GAN_BIN
  ?? join(process.env.CARGO_TARGET_DIR ?? join(homedir(), ".cache", "gan-studio", "target"), "release", "gan");
