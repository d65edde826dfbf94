import { createOrchestrator, defineAgent, isNeonhubError, REDACTED } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createPinoLogger } from "./create-pino-logger.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } };
}

describe("createPinoLogger", () => {
  it("writes one JSON object per line with level, time, message and fields", () => {
    const { lines, destination } = capture();
    const logger = createPinoLogger({ destination, name: "neonhub", base: {} });
    logger.info({ runId: "run_1", agent: "writer" }, "run finished");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, name: "neonhub", runId: "run_1", agent: "writer", msg: "run finished" });
    expect(typeof lines[0]?.time).toBe("number");
  });

  it("binds fields on child loggers and honours the level", () => {
    const { lines, destination } = capture();
    const logger = createPinoLogger({ destination, level: "warn", base: {} }).child({ runId: "run_2" });
    logger.info({ ignored: true }, "below the level");
    logger.error({ code: "HANDLER_FAILED" }, "run failed");
    expect(lines).toEqual([expect.objectContaining({ level: 50, runId: "run_2", code: "HANDLER_FAILED", msg: "run failed" })]);
  });

  it("rejects an unknown level", () => {
    let caught: unknown;
    try {
      createPinoLogger({ level: "verbose" });
    } catch (error) {
      caught = error;
    }
    expect(isNeonhubError(caught, "CONFIGURATION_INVALID")).toBe(true);
    expect((caught as Error).message).toContain('"verbose"');
  });

  it("carries the orchestrator's run-end line with run id, agent, status and duration, secrets redacted", async () => {
    const { lines, destination } = capture();
    const agent = defineAgent({
      name: "mailer",
      version: "1.0.0",
      description: "Sends mail",
      input: z.object({ to: z.string() }),
      output: z.object({ sent: z.boolean() }),
      handle: async (input, context) => {
        context.logger.info({ to: input.to, apiKey: "sk-live-0123456789abcdef" }, "sending");
        return { sent: true };
      },
    });
    const orchestrator = createOrchestrator({ agents: [agent], logger: createPinoLogger({ destination, base: {} }) });
    const run = await orchestrator.orchestrate({ agent: "mailer", input: { to: "team" }, context: { userId: "user-1", organizationId: "org-1" } });

    const sending = lines.find((line) => line.msg === "sending");
    expect(sending).toMatchObject({ runId: run.id, agent: "mailer", apiKey: REDACTED });
    expect(JSON.stringify(lines)).not.toContain("sk-live-0123456789abcdef");
    const finished = lines.find((line) => line.msg === "run finished");
    expect(finished).toMatchObject({ level: 30, runId: run.id, agent: "mailer", status: "COMPLETED", durationMs: run.durationMs, attempts: 1 });
  });
});
