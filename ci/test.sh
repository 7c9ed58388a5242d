#!/usr/bin/env bash
# Runs the whole test suite. Starts a throwaway PostgreSQL from the machine's own binaries
# when MIGRATE_TEST_POSTGRES_URL is not set, and builds a PostgreSQL image for the Docker
# tests when Docker answers; without them, those tests skip loudly (and fail instead when
# MIGRATE_REQUIRE_POSTGRES=1, as in CI).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${MIGRATE_TEST_POSTGRES_URL:-}" ]]; then
  dir_file=$(mktemp)
  if url=$(PG_TLS=1 PG_DIR_FILE="$dir_file" ci/start-postgres.sh); then
    export MIGRATE_TEST_POSTGRES_URL=$url
    trap 'ci/stop-postgres.sh "$(cat "$dir_file")"; rm -f "$dir_file"' EXIT
  else
    echo "test: could not start PostgreSQL; its tests will skip" >&2
  fi
fi

# verify's Docker path: an image built from this machine's PostgreSQL, since a registry
# may not be reachable to pull postgres:16-alpine. Set MIGRATE_POSTGRES_IMAGE to use another.
if [[ -z "${MIGRATE_POSTGRES_IMAGE:-}" ]] && docker info >/dev/null 2>&1; then
  if image=$(ci/build-postgres-image.sh); then
    export MIGRATE_POSTGRES_IMAGE=$image
  else
    echo "test: could not build a PostgreSQL image; the Docker tests will skip" >&2
  fi
fi

cargo test --locked "$@"
