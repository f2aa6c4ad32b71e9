// Process plumbing shared by run.ts and profile.ts: the loopback server and one-measurement client processes.
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { Measurement } from './client.ts';

const here = import.meta.dirname;

/** A child on this same Node, talking over IPC; its stdout is piped, its stderr passed through. */
export const child = (file: string, args: string[], execArgv: string[] = []): ChildProcess =>
	fork(path.join(here, file), args, { execArgv, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });

export const nextMessage = <T>(proc: ChildProcess, type: string): Promise<T> =>
	new Promise((resolve, reject) => {
		const onMessage = (message: { type: string }) => {
			if (message.type !== type) return;
			proc.off('message', onMessage);
			proc.off('exit', onExit);
			resolve(message as T);
		};
		const onExit = (code: number | null) =>
			reject(new Error(`${proc.spawnargs.join(' ')} exited (${code}) before "${type}"`));
		proc.on('message', onMessage);
		proc.once('exit', onExit);
	});

/** Runs a child to completion and parses the JSON it prints on its last line. */
export async function jsonFrom<T>(file: string, args: string[]): Promise<T> {
	const proc = child(file, args);
	let out = '';
	proc.stdout?.on('data', (chunk) => {
		out += chunk;
	});
	const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
	if (code !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${code}`);
	return JSON.parse(out.trim().split('\n').at(-1) ?? '') as T;
}

export type Server = { baseUrl: string; process: ChildProcess; stop(): void };

export async function startServer(): Promise<Server> {
	const proc = child('server.ts', []);
	const { port } = await nextMessage<{ port: number }>(proc, 'listening');
	return { baseUrl: `http://127.0.0.1:${port}/`, process: proc, stop: () => proc.disconnect() };
}

async function serverCpuMicros(server: Server): Promise<number> {
	const reply = nextMessage<{ usage: { user: number; system: number } }>(server.process, 'cpu');
	server.process.send({ type: 'cpu' });
	const { usage } = await reply;
	return usage.user + usage.system;
}

export type MeasureOptions = {
	kind: string;
	concurrency: number;
	warmupMs: number;
	measureMs: number;
	/** Node flags for the client process. */
	execArgv?: string[];
	/** Where to write a CPU profile of the measured window. */
	profile?: string;
};

/** One client kind at one concurrency in a fresh process; `serverBusy` is the server's CPU over the window's wall time. */
export async function measure(
	server: Server,
	options: MeasureOptions,
): Promise<{ measurement: Measurement; serverBusy: number }> {
	const { kind, concurrency, warmupMs, measureMs, execArgv, profile } = options;
	const args = [kind, String(concurrency), String(warmupMs), String(measureMs), server.baseUrl];
	const proc = child('client.ts', profile === undefined ? args : [...args, profile], execArgv);
	proc.stdout?.pipe(process.stderr);
	const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
	await nextMessage(proc, 'ready');
	const cpuBefore = await serverCpuMicros(server);
	const done = nextMessage<{ measurement: Measurement }>(proc, 'done');
	proc.send({ type: 'go' });
	const { measurement } = await done;
	const serverMicros = (await serverCpuMicros(server)) - cpuBefore;
	const code = await exited;
	if (code !== 0) throw new Error(`the ${kind} client exited with ${code}`);
	return { measurement, serverBusy: serverMicros / 1000 / measurement.elapsedMs };
}
