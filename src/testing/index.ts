// The `idemkey/testing` entry point: server stand-ins and the journal conformance suite, for users' own tests.
// It imports no optional peer: the msw handlers live in `idemkey/testing/msw`, so this entry loads without msw
// installed (and lets `deno run` exit). node:http is imported only when an emulator starts, so it loads in a browser.

export { CHAOS_FAULTS, CHAOS_RETRY, CHAOS_TIMEOUT_MS } from './chaos/defaults.js';
export type { ChaosOperation, RunMode } from './chaos/plan.js';
export type { ChaosReport, LostOperation } from './chaos/report.js';
export type { ChaosCaller, ChaosOptions } from './chaos/run.js';
export { runChaos } from './chaos/run.js';
export type {
	ConformanceAssertion,
	ConformanceOptions,
	ConformanceTestApi,
} from './conformance/api.js';
export { runJournalConformance } from './conformance/suite.js';
export type {
	Booking,
	DelayRate,
	DialectStateOptions,
	Fault,
	FaultRates,
	Overlap,
	ScriptedAnswer,
	SeenRequest,
	StoredResponse,
} from './dialect-state.js';
export { DialectState } from './dialect-state.js';
export type { Emulator, EmulatorOptions } from './emulator.js';
export { createEmulator } from './emulator.js';
export { serverProfiles } from './profiles/catalog.js';
export type { ProfileAnswers, ProfileOverrides, ServerProfile } from './profiles/types.js';
export type { DialectServer, DialectServerOptions } from './server/core.js';
export { createDialectServer } from './server/core.js';
