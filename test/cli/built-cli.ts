import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'tsup';
import { afterEach } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/**
Builds the command the way tsup.config.ts does (ESM, platform node, deps external) into a scratch directory, so
process-level tests (signals, exit codes, the shebang) run the real artefact without racing other builds of dist/.
*/
export async function buildCli(): Promise<{ main: string; cleanup: () => Promise<void> }> {
	const dir = await mkdtemp(join(tmpdir(), 'idemkey-cli-build-'));
	// The bundle imports its dependencies (ky, zod, ...) by name: let them resolve from the project.
	await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
	await build({
		entry: { main: join(root, 'src/cli/main.ts') },
		outDir: dir,
		format: ['esm'],
		platform: 'node',
		target: 'es2022',
		config: false,
		silent: true,
		sourcemap: false,
	});
	return { main: join(dir, 'main.js'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export type Child = {
	readonly process: ChildProcess;
	stdout: string;
	stderr: string;
	/** Resolves with the exit code (or the signal that killed it). */
	readonly exited: Promise<number | NodeJS.Signals>;
};

const children: ChildProcess[] = [];

// A child still waiting on a held request must not outlive its test.
afterEach(() => {
	for (const child of children.splice(0))
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Runs the built command in a child process on this Node; killed after the test if still running. */
export function spawnCli(
	main: string,
	argv: string[],
	options: { cwd: string; env?: Record<string, string> },
): Child {
	const child = spawn(process.execPath, [main, ...argv], {
		cwd: options.cwd,
		env: { PATH: process.env.PATH ?? '', ...options.env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	children.push(child);
	const result: Child = {
		process: child,
		stdout: '',
		stderr: '',
		exited: new Promise((resolve) => {
			child.on('exit', (code, signal) => resolve(code ?? (signal as NodeJS.Signals)));
		}),
	};
	child.stdout?.on('data', (chunk: Buffer) => {
		result.stdout += chunk.toString();
	});
	child.stderr?.on('data', (chunk: Buffer) => {
		result.stderr += chunk.toString();
	});
	return result;
}
