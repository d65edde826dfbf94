export { createOrchestrator } from "./orchestrator/create-orchestrator.js";
export type {
  AgentInfo,
  AuthorizeFunction,
  DrainResult,
  DurabilityOptions,
  Orchestrator,
  OrchestratorOptions,
  WaitForRunOptions,
} from "./orchestrator-types.js";

export { defineAgent } from "./model/agent-definition.js";
export type { AgentDefinition } from "./model/agent-definition.js";
export { BREAKER_SCOPES, DEFAULT_RUN_POLICIES } from "./model/agent-policies.js";
export type {
  AdmissionPolicy,
  BreakerPolicy,
  BreakerScope,
  ConcurrencyPolicy,
  RetryPolicy,
  RunPolicies,
  RunPolicyOverrides,
} from "./model/agent-policies.js";
export type { AgentRun, AgentRunWithTools, ChildRunSummary, StoredError } from "./model/agent-run.js";
export { MAX_RUN_TREE_NODES } from "./model/agent-run.js";
export { MAX_CHILD_RUN_DEPTH, MAX_CHILD_RUNS_PER_RUN, type ChildRunLimitOptions } from "./orchestrator/child-run-limits.js";
export type { CallerContext, OrchestrateRequest } from "./model/orchestrate-request.js";
export type { ChildAgentReference, RunAgentOptions, RunContext, SignalResult, StepContext, StepOptions, ToolCallContext, ToolCallOptions, ToolName } from "./model/run-context.js";
export { REPEAT_SAFETIES } from "./model/repeat-safety.js";
export type { RepeatSafety } from "./model/repeat-safety.js";
export type { RunMetric } from "./model/run-metric.js";
export { RUN_STATUSES, TOOL_EXECUTION_STATUSES, isFinalRunStatus } from "./model/run-status.js";
export type { FinalRunStatus, RunStatus, ToolExecutionStatus } from "./model/run-status.js";
export type { ToolExecution } from "./model/tool-execution.js";

export { ERROR_CODES } from "./errors/error-codes.js";
export type { ErrorCode } from "./errors/error-codes.js";
export { NeonhubError, isNeonhubError } from "./errors/neonhub-error.js";
export type { NeonhubErrorOptions } from "./errors/neonhub-error.js";
export {
  AgentNotFoundError,
  CancelledError,
  CircuitOpenError,
  ConfigurationError,
  HandlerFailedError,
  IdempotencyConflictError,
  RateLimitedError,
  RunNotFoundError,
  StoreUnavailableError,
  TimeoutError,
  UnauthorizedError,
  UpstreamFailedError,
  ValidationError,
} from "./errors/errors.js";
export type { FieldError } from "./errors/errors.js";
export { ChildRunFailedError, ChildRunLimitError, LeaseLostError, NonDeterministicError, SignalConflictError, StepOutcomeUnknownError, TakeoverLimitError } from "./errors/durable-errors.js";
export type { ChildRunEnding } from "./errors/durable-errors.js";
export { timeoutAfterSignalConflict, signalAfterWaitConflict } from "./errors/signal-conflicts.js";
export { ContentRefusedError } from "./errors/content-refused-error.js";
export { AlreadyExistsError } from "./errors/already-exists-error.js";
export { InvalidScheduleError, ScheduleNotFoundError } from "./errors/schedule-errors.js";
export { isTransientError } from "./errors/is-transient-error.js";
export { fieldErrorsFromZod } from "./errors/field-errors-from-zod.js";

export type { Clock } from "./ports/clock.js";
export type { LogFields, Logger } from "./ports/logger.js";
export type { BackgroundTask, BreakerKind, BreakerState, MetricsSink, TakeoverOutcome } from "./ports/metrics-sink.js";
export type { RateLimitDecision, RateLimitRule, RateLimiter } from "./ports/rate-limiter.js";
export { DEFAULT_RUN_QUEUE } from "./ports/run-queue.js";
export type { QueueRateLimit, QueueSettings, RunJob, RunQueue } from "./ports/run-queue.js";
export type {
  CreateRunInput,
  CreateRunResult,
  ClaimRunsInput,
  ClaimedRun,
  FinishRunInput,
  AgentPeriodSummary,
  AgentRunSummary,
  DeleteEndedRunsInput,
  ListQueuedRunsInput,
  PeriodMetricSummary,
  PeriodToolSummary,
  ListRunsQuery,
  QueuedRunReference,
  RecordStepInput,
  RenewLeasesInput,
  RunLease,
  RunMinuteSummary,
  RunPage,
  RunStore,
  RunSummary,
  SendSignalInput,
  SummarizeAgentPeriodQuery,
  SummarizeRunsQuery,
  StartRunInput,
  SuspendRunInput,
} from "./ports/run-store.js";
export { STEP_KINDS, STEP_STATUSES } from "./model/journal-step.js";
export type { JournalStep, JournalStepSummary, StepKind, StepStatus } from "./model/journal-step.js";
export type { RunSignal } from "./model/run-signal.js";
export { checkReportedMetric } from "./orchestrator/check-reported-metric.js";
export {
  MAX_INTENT_SEARCH_LENGTH,
  MAX_SUMMARY_WINDOW_MS,
  summarizeRunRecords,
  validateListRunsFilters,
  validateSummarizeRunsQuery,
} from "./util/run-summary.js";
export type { SummarizedRun } from "./util/run-summary.js";
export {
  emptyStatusCounts,
  MAX_AGENT_PERIOD_MS,
  sortPeriodGroups,
  successRateOf,
  summarizeAgentPeriodRecords,
  validateSummarizeAgentPeriodQuery,
} from "./util/agent-period-summary.js";
export type { PeriodRun } from "./util/agent-period-summary.js";
export type { Span, SpanAttributeValue, SpanOptions, Tracer } from "./ports/tracer.js";

export { MAX_TIMER_DELAY_MS, systemClock } from "./telemetry/system-clock.js";
export { silentLogger } from "./telemetry/silent-logger.js";
export { createRedactingLogger } from "./telemetry/redacting-logger.js";
export { createRedactor, DEFAULT_REDACT_KEYS, REDACTED } from "./telemetry/redactor.js";
export type { Redactor, RedactorOptions } from "./telemetry/redactor.js";
export { noopMetricsSink } from "./telemetry/noop-metrics-sink.js";
export { createOpenTelemetryTracer, noopTracer } from "./telemetry/open-telemetry-tracer.js";

export { createMemoryRunStore } from "./store/memory-run-store.js";
export type { MemoryRunStoreOptions } from "./store/memory-run-store.js";
export { createRunRetention, DEFAULT_RETENTION_INTERVAL_MS } from "./store/run-retention.js";
export { createPeriodicPass } from "./util/periodic-pass.js";
export type { PeriodicPass, PeriodicPassOptions } from "./util/periodic-pass.js";
export { isBeyondSkew, measureClockOffset } from "./clock-skew/measure-clock-offset.js";
export type { ClockOffset, ReadReferenceTime } from "./clock-skew/measure-clock-offset.js";
export { createClockSkewMonitor, DEFAULT_CLOCK_CHECK_INTERVAL_MS } from "./clock-skew/clock-skew-monitor.js";
export type { ClockSkewMonitor, ClockSkewMonitorOptions } from "./clock-skew/clock-skew-monitor.js";
export type { RunRetention, RunRetentionOptions } from "./store/run-retention.js";
export { createMemoryRateLimiter } from "./policies/memory-rate-limiter.js";
export type { MemoryRateLimiterOptions, SynchronousRateLimiter } from "./policies/memory-rate-limiter.js";
export { createInProcessRunQueue } from "./policies/in-process-run-queue.js";
export type { InProcessRunQueueOptions } from "./policies/in-process-run-queue.js";
export { assertQueueName, DEFAULT_QUEUE_CONCURRENCY, MAX_NAMED_QUEUES, resolveQueueSettings } from "./policies/queue-settings.js";
export type { ResolvedQueueSettings } from "./policies/queue-settings.js";
export { createCircuitBreaker } from "./policies/circuit-breaker.js";
export type { CircuitBreaker, CircuitBreakerOptions } from "./policies/circuit-breaker.js";
export { CALL_TIMEOUT_REASON, CONNECTION_UNAUTHORIZED_REASON, STATUS_REASONS } from "./orchestrator/run-outcome.js";
export { retryAfterFirstFailure, retryWithBackoff } from "./policies/retry-with-backoff.js";
export type { RetryOptions } from "./policies/retry-with-backoff.js";
export { BoundedMap } from "./util/bounded-map.js";
export { encodeCursor, decodeCursor } from "./util/run-cursor.js";
export { checkDeleteEndedRuns, checkQueuedRunsLimit, MAX_DELETED_RUNS_BATCH, MAX_QUEUED_RUNS_PAGE } from "./util/run-store-limits.js";
export type { RunCursor } from "./util/run-cursor.js";
export {
  assertStorableValue,
  isStorableDate,
  isStorableText,
  STORABLE_VALUE_LIMITS,
  storableTextProblem,
  storableValueProblems,
  toStorableText,
} from "./util/storable-value.js";
export { indexedTexts, refuseUnreadableTexts, refuseUnstorableTexts } from "./util/store-text-checks.js";
export type {
  ConnectionAuthType,
  ConnectionCredentials,
  ConnectionInput,
  ConnectionStatus,
  ConnectionSummary,
  CredentialChanges,
  CredentialStore,
} from "./ports/credential-store.js";
export { validateConnectionInput, validateConnectionLookup, validateConnectionUse, validateCredentialChanges } from "./util/validate-connection-writes.js";
export type { ExpiredOAuthGrant, OAuthCompletion, OAuthGrantRecord, OAuthStateRecord, OAuthStateStore } from "./ports/oauth-state-store.js";
export {
  MAX_EXPIRED_GRANTS_BATCH,
  validateConsumeExpiredGrants,
  validateOAuthGrantRecord,
  validateOAuthLookup,
  validateOAuthStateRecord,
} from "./util/validate-oauth-state-writes.js";
export type { ApiKeyRecord, ApiKeyStore, CreateApiKeyInput } from "./ports/api-key-store.js";
export { validateApiKeyInput, validateApiKeyLookup } from "./util/validate-api-key-writes.js";

export type { AgentSettings } from "./model/agent-settings.js";
export type { AgentSettingsStore, PutAgentSettingsInput } from "./ports/agent-settings-store.js";
export { createMemoryAgentSettingsStore } from "./store/memory-agent-settings-store.js";
export type { MemoryAgentSettingsStoreOptions } from "./store/memory-agent-settings-store.js";
export { MAX_AGENT_SETTINGS_BYTES, validatePutAgentSettings } from "./util/validate-agent-settings.js";

export { CATCH_UP_POLICIES, MAX_CATCH_UP_TICKS } from "./model/schedule.js";
export type { CatchUpPolicy, Schedule } from "./model/schedule.js";
export type { ClaimTickInput, ListDueSchedulesInput, ListSchedulesQuery, ScheduleChanges, SchedulePage, ScheduleStore } from "./ports/schedule-store.js";
export { createMemoryScheduleStore } from "./store/memory-schedule-store.js";
export type { MemoryScheduleStoreOptions } from "./store/memory-schedule-store.js";
export { isKnownTimeZone, parseCronExpression } from "./schedules/cron-expression.js";
export type { CronExpression } from "./schedules/cron-expression.js";
export { planTicks } from "./schedules/plan-ticks.js";
export type { PlanTicksInput, TickPlan } from "./schedules/plan-ticks.js";
export { createScheduleManager } from "./schedules/schedule-manager.js";
export type { CreateScheduleRequest, ScheduleManager, ScheduleManagerOptions, UpdateScheduleRequest } from "./schedules/schedule-manager.js";
export { createScheduler, DEFAULT_LATE_TOLERANCE_MS, DEFAULT_SCHEDULER_INTERVAL_MS, scheduleTickKey } from "./schedules/scheduler.js";
export type { Scheduler, SchedulerOptions, SchedulerPassResult } from "./schedules/scheduler.js";
export { MAX_DUE_SCHEDULES_BATCH, MAX_SCHEDULES_PAGE, validateListDueSchedules, validateListSchedulesQuery } from "./schedules/validate-schedule-query.js";
