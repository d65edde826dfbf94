/** Calls `call` `count` times with `inFlight` callers at once; returns calls per second. */
export async function callsPerSecond(call: (index: number) => Promise<unknown>, count: number, inFlight: number): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await call(next++);
    }),
  );
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Time per call, in microseconds: elapsed, and CPU time of this process (every thread, user and system). */
export interface CallTime {
  wallUs: number;
  cpuUs: number;
}

/** Calls `call` `count` times, one after another. */
export async function timePerCall(call: (index: number) => Promise<unknown>, count: number): Promise<CallTime> {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) await call(index);
  const wallUs = Number(process.hrtime.bigint() - started) / 1e3;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallUs: wallUs / count, cpuUs: (cpu.user + cpu.system) / count };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Per round: the journaled run's and the direct run's time, and the overhead per step, each as elapsed and CPU time. */
export interface OverheadRounds {
  journaledRun: CallTime[];
  directRun: CallTime[];
  perStep: CallTime[];
}

/**
 * Overhead per step of `journaled` over `direct` (each one run of `steps` steps, or of `steps` direct calls):
 * rounds alternate which side goes first, and each round gives (time per journaled run - time per direct run) /
 * steps.
 */
export async function overheadPerStep(
  journaled: (index: number) => Promise<unknown>,
  direct: (index: number) => Promise<unknown>,
  options: { steps: number; runsPerRound: number; rounds: number },
): Promise<OverheadRounds> {
  const rounds: OverheadRounds = { journaledRun: [], directRun: [], perStep: [] };
  for (let round = 0; round < options.rounds; round += 1) {
    let journaledTime: CallTime;
    let directTime: CallTime;
    if (round % 2 === 0) {
      directTime = await timePerCall(direct, options.runsPerRound);
      journaledTime = await timePerCall(journaled, options.runsPerRound);
    } else {
      journaledTime = await timePerCall(journaled, options.runsPerRound);
      directTime = await timePerCall(direct, options.runsPerRound);
    }
    rounds.journaledRun.push(journaledTime);
    rounds.directRun.push(directTime);
    rounds.perStep.push({ wallUs: (journaledTime.wallUs - directTime.wallUs) / options.steps, cpuUs: (journaledTime.cpuUs - directTime.cpuUs) / options.steps });
  }
  return rounds;
}
