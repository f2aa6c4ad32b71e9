// The `idemkey/testing` entry point: server stand-ins and the journal conformance suite, for users' own tests.
// Kept out of the root entry so production bundles never pull in msw.
export type {
	ConformanceAssertion,
	ConformanceOptions,
	ConformanceTestApi,
} from '../journal/conformance.js';
export { runJournalConformance } from '../journal/conformance.js';
export type {
	Booking,
	DialectHandlers,
	DialectHandlersOptions,
	DialectStateOptions,
	Fault,
	ProfileAnswers,
	ScriptedAnswer,
	SeenRequest,
	ServerProfile,
	StoredResponse,
} from './msw-handlers.js';
export { DialectState, dialectHandlers, serverProfiles } from './msw-handlers.js';
