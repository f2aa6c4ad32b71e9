import { createClient } from '../../client/create.js';
import { commandArgs } from '../args.js';
import { usageError } from '../cli-error.js';
import {
	JOURNAL_FLAGS,
	JOURNAL_HELP,
	SEND_FLAGS,
	SEND_HELP,
	scopeFlag,
	sendOptions,
} from '../client-flags.js';
import { EXIT_CODE_HELP, EXIT_CODES } from '../exit-codes.js';
import { type CliIo, say, signalOption } from '../io.js';
import { journalDirectory, withJournal } from '../journal.js';
import { reportFailure, statusLine, writeBody } from '../output.js';
import { readBody } from '../request/body.js';
import { deriveOperationId } from '../request/operation-id.js';
import { progressReporter } from '../request/progress.js';

export const requestHelp = `Usage: idemkey request <METHOD> <URL> [options]

Sends one HTTP request like curl, with a durable Idempotency-Key: the key is written to the
journal before the request leaves and reused on every retry, and again when you rerun the
command after a timeout, a crash or Ctrl-C. The server applies it at most once.

The operation is --op, or when --op is omitted, an id derived from the method, the URL and the
body (canonical JSON for --json): rerunning the identical command is the same operation. A
finished operation is answered from the journal without a request; to send the same request
again as a separate operation, give it a new --op. GET and HEAD carry no key and are not
journaled.

The journal is a directory of files (mode 0600) that outlives the process: keys survive
crashes and reboots, and several idemkey processes may share it. Secret headers are never
written to it.

Options:
  --op ID               logical operation id (default: derived from method, URL and body)
  --json @FILE|-|JSON   JSON body from a file, stdin (-) or the argument; sets Content-Type
  -d, --data @FILE|-|TEXT
                        raw body bytes from a file, stdin (-) or the argument, sent as they are
                        (set Content-Type with --header)
${SEND_HELP}
${JOURNAL_HELP}
  -v, --verbose         one line on stderr per attempt and per wait before a retry
  -h, --help            show this help

Output: the response body on stdout (also for error answers that have one, such as the last
5xx when retries run out) and one status line on stderr:
  idemkey: 201 key=<key> operation=<op> attempts=<n> replayed=true|false|unknown|journal
(replayed=journal: answered from the journal, no request sent). While retrying, a terminal
shows the current attempt and wait on one line of stderr, cleared at the end; -v prints them
as lines instead (the URL without its query string).

${EXIT_CODE_HELP}

Example:
  idemkey request POST https://api.example.com/v1/charges --dialect stripe \\
    -H "Authorization: Bearer $TOKEN" --json '{"amount": 500, "currency": "eur"}'`;

const FLAGS = {
	op: { type: 'string' },
	json: { type: 'string' },
	data: { type: 'string', short: 'd' },
	verbose: { type: 'boolean', short: 'v' },
	...SEND_FLAGS,
	...JOURNAL_FLAGS,
} as const;

const METHOD = /^[A-Za-z]+$/;

function targetUrl(text: string): string {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw usageError(`"${text}" is not an absolute URL (as in https://api.example.com/v1/charges).`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw usageError(`"${text}" is not an http(s) URL.`);
	}
	return url.href;
}

/** `idemkey request`: one keyed, journaled, retried request. */
export async function requestCommand(argv: readonly string[], io: CliIo): Promise<number> {
	try {
		const args = commandArgs('request', argv, FLAGS, requestHelp, io);
		if (!args) return EXIT_CODES.ok;
		const { values, positionals } = args;
		const [methodArg, urlArg, ...extra] = positionals;
		if (methodArg === undefined || urlArg === undefined || extra.length > 0) {
			throw usageError(
				'request takes exactly a METHOD and a URL, as in: idemkey request POST https://api.example.com/v1/charges',
			);
		}
		if (!METHOD.test(methodArg)) throw usageError(`"${methodArg}" is not an HTTP method.`);
		const method = methodArg.toUpperCase();
		const url = targetUrl(urlArg);
		// The headers go on the call, not the client: -H "Idempotency-Key: ..." is this one request's own key.
		const { headers, ...send } = sendOptions(values);
		const scope = scopeFlag(values.scope);
		const body = await readBody(values, io);
		const operation = values.op ?? (await deriveOperationId(method, url, body));

		const progress = progressReporter(io, values.verbose === true);
		const { onEvent } = progress;
		const result = await withJournal(
			io,
			journalDirectory(values.journal, io),
			(journal) =>
				createClient({ ...send, journal, scope, ...(onEvent ? { onEvent } : {}) })
					.request(method, url, {
						operation,
						...(headers === undefined ? {} : { headers }),
						...(body.kind === 'json' ? { json: body.value } : {}),
						...(body.kind === 'bytes' ? { body: body.value as Uint8Array<ArrayBuffer> } : {}),
						...signalOption(io),
					})
					.finally(() => progress.end()),
			{ collect: true },
		);
		writeBody(io, result.data);
		say(io.stderr, `idemkey: ${statusLine(result)}`);
		return EXIT_CODES.ok;
	} catch (error) {
		return reportFailure(io, error, io.signal?.aborted === true);
	}
}
