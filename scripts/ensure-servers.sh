#!/usr/bin/env bash
# Installs the real servers the tests start (Redis, PostgreSQL, PgBouncer, Chromium) from Debian packages when any is
# missing. `npm test` runs it first (pretest), so the README's test command sets up a fresh machine on its own.
set -euo pipefail
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v pgbouncer >/dev/null || missing+=(pgbouncer)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
	echo "idemkey tests need: ${missing[*]} (Debian packages). Install them, then run the tests again." >&2
	exit 1
fi
echo "installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packages start their own services; the tests start private instances on ephemeral ports instead.
for service in redis-server postgresql pgbouncer; do
	service "$service" stop >/dev/null 2>&1 || true
done
