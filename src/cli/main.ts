#!/usr/bin/env node
// The `idemkey` command: the process shell around run(), which tests call in-process.
import { run } from './run.js';

const controller = new AbortController();
// First signal: stop the request and leave the operation resumable. Second: exit at once.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		if (controller.signal.aborted) process.exit(130);
		controller.abort(new Error(`received ${signal}`));
	});
}

process.exitCode = await run(process.argv.slice(2), {
	stdout: process.stdout,
	stderr: process.stderr,
	stdin: process.stdin,
	env: process.env,
	cwd: process.cwd(),
	signal: controller.signal,
});
