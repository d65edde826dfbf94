import { spawnSync } from "node:child_process";

/** The promtool binary: `PROMTOOL` when set (another location), otherwise `promtool` on the PATH. */
const promtool = process.env.PROMTOOL ?? "promtool";

/** Whether promtool (Debian package `prometheus`) can be run here. */
export const promtoolAvailable = spawnSync(promtool, ["--version"], { encoding: "utf8" }).status === 0;

/** In CI a missing promtool is a failure, elsewhere the checks skip with this message. */
export const promtoolMissingMessage =
  "promtool is not installed (apt-get install -y prometheus, or set PROMTOOL): the promtool checks skip here and fail when CI=true.";

/** Runs promtool with `args`, feeding `input` on standard input; returns its exit status and output. */
export function runPromtool(args: string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync(promtool, args, { encoding: "utf8", input, timeout: 20_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
