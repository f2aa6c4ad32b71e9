import { fingerprint } from '../../keys/fingerprint.js';
import type { CliBody } from './body.js';

/**
The operation id of a command run without `--op`: a hash of method, full URL and body (canonical JSON for
`--json`, so reformatting the file changes nothing). Running the identical command again is the same operation.
Headers are left out on purpose: a refreshed Authorization token must not turn a retry into a new operation.
*/
export async function deriveOperationId(method: string, url: string, body: CliBody): Promise<string> {
	const hash = await fingerprint(
		body.kind === 'json'
			? { method, path: url, json: body.value }
			: { method, path: url, bytes: body.kind === 'bytes' ? body.value : undefined },
	);
	return `cli-${hash.slice(0, 32)}`;
}
