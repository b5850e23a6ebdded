# Sourced by .ci/run: starts a throwaway PostgreSQL 15 for the tests and
# exports THREADS_MCP_TEST_DATABASE_URL; the EXIT trap stops it and removes
# its directory. initdb and postgres refuse to run as root, so as root they
# run as the postgres user (which must own the data directory).
# THREADS_MCP_REQUIRE_POSTGRES=1 makes the PostgreSQL tests fail, not skip,
# when no server is reachable.
pg_bin=/usr/lib/postgresql/15/bin
export THREADS_MCP_REQUIRE_POSTGRES=1
if [ ! -x "$pg_bin/initdb" ]; then
	echo "== PostgreSQL 15 is not installed ($pg_bin): the PostgreSQL tests will fail"
	return 0
fi
pg_dir=$(mktemp -d /tmp/threads-mcp-pg.XXXXXX)
pg_as=()
if [ "$(id -u)" = 0 ]; then
	chown postgres: "$pg_dir"
	pg_as=(runuser -u postgres --)
fi
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
	echo $((20000 + RANDOM % 20000)))
pg_stop() {
	"${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$pg_dir"
}
trap pg_stop EXIT
echo "== PostgreSQL 15 on 127.0.0.1:$pg_port"
"${pg_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$pg_dir/initdb.log" 2>&1 ||
	{ cat "$pg_dir/initdb.log"; exit 1; }
"${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -w -l "$pg_dir/server.log" \
	-o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
	start >/dev/null || { cat "$pg_dir/server.log"; exit 1; }
export THREADS_MCP_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/postgres?sslmode=disable"
