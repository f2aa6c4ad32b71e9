// docs/getting-started.md: finishing what a crashed process left unfinished.
import { createClient } from 'idemkey';
import { FileJournal } from 'idemkey/node';

export async function resumeOnStartup(directory: string) {
	const journal = new FileJournal({ directory });
	const api = createClient({ baseUrl: 'https://api.example.com/v1/', dialect: 'bardge', journal });
	try {
		// Operations that were pending, in flight or unknown when the last process stopped.
		for (const record of await api.pending()) {
			console.log(record.operation, record.state, record.method, record.path, record.key);
		}
		// Each is resent with its original key and bytes; one that finished meanwhile answers from the journal.
		const reports = await api.resumeAll({ concurrency: 4 });
		for (const report of reports) {
			if (report.ok) console.log(report.operation, report.result.status, report.result.replayed);
			else console.error(report.operation, report.error);
		}
		return reports;
	} finally {
		await journal.close();
	}
}
