#!/usr/bin/env bash
# Stops a cluster started by ci/start-postgres.sh and removes its directory.
#   ci/stop-postgres.sh DIR
set -euo pipefail
dir=${1:?usage: ci/stop-postgres.sh DIR}
[[ -d "$dir/data" ]] || exit 0
owner=$(stat -c %U "$dir/data")
source "$(dirname "$0")/pg-bindir.sh"
pg_ctl=$(find_bindir)/pg_ctl
if [[ $(id -u) -eq 0 && "$owner" != root ]]; then
  runuser -u "$owner" -- "$pg_ctl" --pgdata="$dir/data" --mode=immediate stop >/dev/null 2>&1 || true
else
  "$pg_ctl" --pgdata="$dir/data" --mode=immediate stop >/dev/null 2>&1 || true
fi
rm -rf "$dir"
