import { afterEach, describe, expect, it, vi } from "vitest";
import { parseCpuList, placeOnSeparateCpus } from "./cpu-placement.js";

describe("parseCpuList", () => {
  it("expands ranges and single CPUs in the order given", () => {
    expect(parseCpuList("0-3,8,10-11")).toEqual([0, 1, 2, 3, 8, 10, 11]);
  });

  it("reads taskset's answer with its spaces and final newline", () => {
    expect(parseCpuList(" 4-5\n")).toEqual([4, 5]);
  });

  it("reads an empty list as no CPUs", () => {
    expect(parseCpuList("")).toEqual([]);
  });
});

describe("placeOnSeparateCpus", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("does not pin with BENCH_PIN=0, says so, and starts servers with node itself", () => {
    vi.stubEnv("BENCH_PIN", "0");
    const placement = placeOnSeparateCpus();
    expect(placement).toMatchObject({ pinned: false, loadGeneratorCpus: null, serverCpus: null, notPinnedBecause: "BENCH_PIN=0" });
    expect(placement.command(["server.js"])).toEqual([process.execPath, ["server.js"]]);
  });
});
