#!/usr/bin/env bash
# PostgreSQL for the indexer tests: `start` installs Debian's postgresql package if it is missing,
# creates a throw-away cluster (trust authentication, loopback only) on a free port and prints its
# connection URL; `stop NAME` stops and drops that cluster. Needs root (as CI and these machines are).
set -euo pipefail

case "${1:-}" in
  start)
    if ! command -v pg_createcluster >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    name="indexer_$$"
    port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    pg_createcluster -q "$version" "$name" -p "$port" -- --auth-host=trust --auth-local=trust >/dev/null
    pg_ctlcluster "$version" "$name" start </dev/null >/dev/null 2>&1
    echo "$version $name postgresql://postgres@127.0.0.1:${port}/postgres"
    ;;
  stop)
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    pg_dropcluster --stop "$version" "$2" || true
    ;;
  *)
    echo "usage: $0 start | stop NAME" >&2
    exit 2
    ;;
esac
