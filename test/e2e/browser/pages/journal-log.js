// What the client asked of its journal, as each call completed (window.journalLog): a test sees from it what this tab
// decided (a claim, after which it sends; a wait on another tab's attempt) without waiting for a fixed time.
window.journalLog = [];
window.logged = (journal) =>
	new Proxy(journal, {
		get(target, name) {
			const member = Reflect.get(target, name);
			if (typeof member !== 'function') return member;
			return (...args) => {
				const value = member.apply(target, args);
				if (!(value instanceof Promise)) {
					window.journalLog.push({ call: name });
					return value;
				}
				return value.then((result) => {
					const record = name === 'compareAndSet' ? args[0] : result;
					window.journalLog.push({
						call: name,
						state: record?.state,
						ok: name === 'compareAndSet' ? result : undefined,
					});
					return result;
				});
			};
		},
	});
