/*
Every write is one Lua script, so that Redis runs it whole with no other command in between: the record and its
scope's indexes never disagree, and create-if-absent and compare-and-set are atomic across every client. Times for
expiry come from Redis's own clock (TIME; Redis 5 and later replicate a script's effects, not the script, so this is
allowed and replicas agree).
*/

import { EXPIRY_GRACE_MS } from './options.js';

export type Script = {
	readonly source: string;
	/** SHA-1 of the source (the name EVALSHA runs it by), once WebCrypto has computed it. */
	sha?: string;
};

const script = (source: string): Script => {
	const made: Script = { source };
	// WebCrypto rather than node:crypto: the entry loads wherever ioredis runs (Node, Bun, Deno). Until the hash is
	// known, the script goes by EVAL, which also loads it into the server's cache.
	globalThis.crypto?.subtle
		?.digest('SHA-1', new TextEncoder().encode(source))
		.then((digest) => {
			made.sha = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
		})
		.catch(() => {});
	return made;
};

/*
place(): writes a record and files it in its scope's indexes. KEYS: record, unfinished set, finished set, creation
order (a hash: field '#' counts, each unfinished operation's field holds its number; '#' is never an encoded id).
ARGV: 1 value (JSON), 2 member (encoded operation), 3 createdAt, 4 '1' when finished, 5 retainUntil.
An unfinished record never expires (SET without PX also drops an expiry it had): its outcome may be unknown, and
forgetting its key could let the operation be applied twice. A finished one expires a grace period after its
retainUntil, and never sooner than that grace after this write.
A record just created takes the next creation number without asking whether it had one: a number left behind by a
record deleted from outside belongs to the old record, not this one.
While filing a finished record, up to two finished entries whose records have expired on their own are dropped from
the index: the index then stays as small as the records it lists, even when nobody calls collectGarbage. Their record
keys share this record's key up to its member, so the script derives them rather than taking another argument.
*/
const PLACE = `
local function place(created)
	if ARGV[4] == '1' then
		local t = redis.call('TIME')
		local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
		local ttl = math.max(math.floor(tonumber(ARGV[5])) - now, 0) + ${EXPIRY_GRACE_MS}
		redis.call('SET', KEYS[1], ARGV[1], 'PX', string.format('%d', ttl))
		redis.call('ZREM', KEYS[2], ARGV[2])
		redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
		redis.call('HDEL', KEYS[4], ARGV[2])
		if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('DEL', KEYS[4]) end
		local stale = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', string.format('%d', now - ${EXPIRY_GRACE_MS}), 'LIMIT', 0, 2)
		if #stale > 0 then
			local records = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[2])
			for _, member in ipairs(stale) do
				if redis.call('EXISTS', records .. member) == 0 then redis.call('ZREM', KEYS[3], member) end
			end
		end
	else
		redis.call('SET', KEYS[1], ARGV[1])
		redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
		redis.call('ZREM', KEYS[3], ARGV[2])
		if created or redis.call('HEXISTS', KEYS[4], ARGV[2]) == 0 then
			redis.call('HSET', KEYS[4], ARGV[2], redis.call('HINCRBY', KEYS[4], '#', 1))
		end
	end
end
`;

/**
Create-if-absent: nil when the record was written, the stored value otherwise. With a fifth key (the registry of
scopes, on a server that lets one script touch two slots), the scope (ARGV 6) is registered in the same step as its
record, saving the client a command per create; otherwise the client registers it right behind (see create()).
*/
export const CREATE = script(`${PLACE}
local current = redis.call('GET', KEYS[1])
if current then return current end
place(true)
if KEYS[5] then redis.call('SADD', KEYS[5], ARGV[6]) end
return false
`);

/**
Compare-and-set on the stored revision (ARGV 6): 1 written, 0 missing or another revision, -1 when the stored
value has no revision (not a record: the caller reads it to say what it is).
The revision is read off the JSON text when it comes before any nested object or array (as in every record this
journal writes: the fields before it are strings), which spares decoding the whole record on each write. Inside a
JSON string every quote is escaped, so a comma (or the opening brace) right before '"revision":' makes it a key,
and with no '{' or '[' before it, a top-level one. Anything else (a record with its fields in another order, a '{'
or '[' in an id or path, a second "revision" after the first) is decoded whole.
*/
export const COMPARE_AND_SET = script(`${PLACE}
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local _, stop, revision = string.find(current, '^{[^{%[]-,"revision":(%-?%d+)[,}]')
if not revision then _, stop, revision = string.find(current, '^{"revision":(%-?%d+)[,}]') end
-- A second "revision" further on (a record written by hand): decoded, which keeps the last as JSON.parse does.
if revision and string.find(current, '"revision":', stop, true) then revision = nil end
if revision then
	revision = tonumber(revision)
else
	local ok, stored = pcall(cjson.decode, current)
	if not ok or type(stored) ~= 'table' or type(stored.revision) ~= 'number' then return -1 end
	revision = stored.revision
end
if revision ~= tonumber(ARGV[6]) then return 0 end
place()
return 1
`);

/**
The scope's unfinished records, oldest first: member, value, creation number triples. KEYS: unfinished set, creation
order. ARGV: prefix of record keys. A value is false when the record is gone, 0 when its key holds something other
than a string.
*/
export const LIST_UNFINISHED = script(`
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for _, member in ipairs(members) do
	local value = redis.pcall('GET', ARGV[1] .. member)
	if type(value) == 'table' then value = 0 end
	out[#out + 1] = member
	out[#out + 1] = value
	out[#out + 1] = redis.call('HGET', KEYS[2], member)
end
return out
`);

/**
Deletes up to ARGV 3 finished records of one scope whose retainUntil is at or before ARGV 1. KEYS: finished set,
unfinished set. ARGV 2: prefix of record keys. Returns: records deleted (entries whose record had already expired do
not count), entries looked at, entries left in both sets.
*/
export const COLLECT = script(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local deleted = 0
for _, member in ipairs(due) do
	deleted = deleted + redis.call('DEL', ARGV[2] .. member)
	redis.call('ZREM', KEYS[1], member)
end
return { deleted, #due, redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2]) }
`);
