import { inspectCommand, inspectHelp } from './commands/inspect.js';
import { pendingCommand, pendingHelp } from './commands/pending.js';
import { requestCommand, requestHelp } from './commands/request.js';
import { resumeCommand, resumeHelp } from './commands/resume.js';
import { serveCommand, serveHelp } from './commands/serve.js';
import { abandonCommand, abandonHelp, resolveCommand, resolveHelp } from './commands/settle.js';
import { demoCommand, demoHelp } from './demo.js';
import { EXIT_CODE_HELP, EXIT_CODES } from './exit-codes.js';
import { type CliIo, line } from './io.js';
import { reportFailure } from './output.js';
import { VERSION } from './version.js';

type Command = {
	readonly summary: string;
	readonly help: string;
	readonly run: (argv: readonly string[], io: CliIo) => Promise<number>;
};

const COMMANDS: Readonly<Record<string, Command>> = {
	request: {
		summary: 'send a request with a durable Idempotency-Key (like curl)',
		help: requestHelp,
		run: requestCommand,
	},
	pending: { summary: 'list unfinished operations in the journal', help: pendingHelp, run: pendingCommand },
	inspect: {
		summary: "show one operation's record and attempt timeline",
		help: inspectHelp,
		run: inspectCommand,
	},
	resume: {
		summary: 'finish interrupted operations under their original keys',
		help: resumeHelp,
		run: resumeCommand,
	},
	abandon: {
		summary: 'give up on a stuck operation: journaled, never sent again',
		help: abandonHelp,
		run: abandonCommand,
	},
	resolve: {
		summary: 'record the outcome you found for a stuck operation',
		help: resolveHelp,
		run: resolveCommand,
	},
	serve: { summary: 'run the dialect emulator as a test server', help: serveHelp, run: serveCommand },
	demo: {
		summary: 'show idemkey surviving every fault, dialect by dialect',
		help: demoHelp,
		run: demoCommand,
	},
};

export const mainHelp = `Usage: idemkey <command> [options]

Safe retries for state-changing HTTP calls: one durable Idempotency-Key per operation,
journaled before the request leaves and reused on every retry and rerun.

Commands:
${Object.entries(COMMANDS)
	.map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`)
	.join('\n')}

Options:
  -h, --help      show this help (idemkey <command> --help for a command's)
  -v, --version   print the version

${EXIT_CODE_HELP}`;

/** Runs one `idemkey` command line (without `node` and the script) and resolves to its exit code; never throws. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
	try {
		const [name, ...rest] = argv;
		if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
			const topic = name === 'help' && rest[0] !== undefined ? COMMANDS[rest[0]] : undefined;
			line(name === undefined ? io.stderr : io.stdout, topic?.help ?? mainHelp);
			return name === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
		}
		if (name === '--version' || name === '-v') {
			line(io.stdout, VERSION);
			return EXIT_CODES.ok;
		}
		const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
		if (!command) {
			line(
				io.stderr,
				`idemkey: unknown ${name.startsWith('-') ? 'option' : 'command'} "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}; see "idemkey --help".`,
			);
			return EXIT_CODES.usage;
		}
		return await command.run(rest, io);
	} catch (error) {
		return reportFailure(io, error);
	}
}
