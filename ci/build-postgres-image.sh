#!/usr/bin/env bash
# Builds a local Docker image of PostgreSQL from this machine's own PostgreSQL install, for
# `migrate verify`'s Docker path where no registry can be reached (nothing can be pulled).
# Prints the image's tag on stdout (everything else goes to stderr):
#
#   export MIGRATE_POSTGRES_IMAGE=$(ci/build-postgres-image.sh)
#
# The image holds only the server binaries (postgres, initdb, pg_ctl), the shared libraries
# they load (found with ldd), PostgreSQL's share/ and lib/ dirs, the time zone data, a
# static busybox for the entrypoint's shell, and /etc/passwd with an unprivileged
# `postgres` user. Its entrypoint initdb's a cluster with trust auth and runs the server on
# 0.0.0.0:5432, which prints the same "database system is ready to accept connections"
# line as the official image and takes the same `postgres -c name=value ...` command.
#
# It is made with `docker import` of a root filesystem rather than `docker build`: import
# needs no builder (BuildKit or the legacy one) and no base image, only the engine.
#
# Settings: PG_BINDIR (default: the newest /usr/lib/postgresql/*/bin, or pg_config's),
# MIGRATE_POSTGRES_IMAGE_TAG (default migrate-postgres:local), REBUILD=1 (build even when
# the tag exists; by default an existing image is kept, so a second run takes a moment).
set -euo pipefail

tag=${MIGRATE_POSTGRES_IMAGE_TAG:-migrate-postgres:local}

if [[ "${REBUILD:-0}" != 1 ]] && docker image inspect "$tag" >/dev/null 2>&1; then
  echo "build-postgres-image: $tag exists (REBUILD=1 to build it again)" >&2
  echo "$tag"
  exit 0
fi

source "$(dirname "$0")/pg-bindir.sh"

find_busybox() {
  # Only a static busybox works in an image that has no libc of its own for it.
  if ! busybox_path=$(command -v busybox) || ! file_is_static "$busybox_path"; then
    echo "build-postgres-image: installing busybox-static" >&2
    apt-get install -y busybox-static >&2 || { apt-get update >&2 && apt-get install -y busybox-static >&2; }
    busybox_path=/bin/busybox
  fi
  echo "$busybox_path"
}

file_is_static() { ! ldd "$1" >/dev/null 2>&1; }

bindir=$(find_bindir)
busybox=$(find_busybox)
# The server finds share/ and lib/ by where it was configured to look, so they keep their
# paths in the image; pg_config says where they are when it belongs to the same install.
if command -v pg_config >/dev/null && [[ "$(pg_config --bindir)" == "$bindir" ]]; then
  sharedir=$(pg_config --sharedir); pkglibdir=$(pg_config --pkglibdir)
else
  version=$(basename "$(dirname "$bindir")")
  sharedir=/usr/share/postgresql/$version; pkglibdir=$(dirname "$bindir")/lib
fi

root=$(mktemp -d -t migrate-pg-image.XXXXXX)
trap 'rm -rf "$root"' EXIT

# Copies a file or dir to the same path under the root (not `cp --parents`, which fails on
# some overlay filesystems when it makes the parents itself).
copy() {
  local path
  for path in "$@"; do mkdir -p "$root$(dirname "$path")" && cp -a "$path" "$root$path"; done
}

# A merged-/usr system's /lib and /lib64 are links into /usr, and ldd names libraries
# (the loader among them) through either path: the image gets the same links.
for top in lib lib32 lib64 libx32; do
  if [[ -L "/$top" ]]; then
    ln -s "$(readlink "/$top")" "$root/$top"; mkdir -p "$root/$(readlink -f "/$top")"
  fi
done
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/var/run/postgresql"
chmod 1777 "$root/tmp" "$root/var/run/postgresql"
for program in postgres initdb pg_ctl; do copy "$bindir/$program"; done
copy "$sharedir"
# Everything but the JIT, which would bring LLVM (100 MB); without it the server just
# does not JIT.
for module in "$pkglibdir"/*; do [[ "$module" == */llvmjit* ]] || copy "$module"; done
[[ -d /usr/share/zoneinfo ]] && copy /usr/share/zoneinfo
# Every library the binaries and the server's modules load, with the loader itself.
libraries=$( { ldd "$bindir"/postgres "$bindir"/initdb "$bindir"/pg_ctl; \
  find "$pkglibdir" -maxdepth 1 -name '*.so' ! -name 'llvmjit*' -exec ldd {} \; ; } 2>/dev/null \
  | grep -oE '/[^ ]+\.so[^ ]*' | sort -u)
for library in $libraries; do
  copy "$library"
  # Keep symlinked libraries resolvable inside the image.
  [[ -L "$library" ]] && copy "$(readlink -f "$library")"
done

cp "$busybox" "$root/bin/busybox"
for applet in sh mkdir cat; do ln -s busybox "$root/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'postgres:x:999:999:PostgreSQL:/tmp:/bin/sh' >>"$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'postgres:x:999:' >"$root/etc/group"

cat >"$root/entrypoint.sh" <<EOF
#!/bin/sh
# Like the official image's entrypoint, for what migrate needs: a fresh cluster, trust
# auth, the server on every interface. Takes the official image's command form.
set -e
[ "\${1:-}" = postgres ] && shift
export PGDATA=\${PGDATA:-/tmp/pgdata}
$bindir/initdb --username="\${POSTGRES_USER:-postgres}" --auth=trust --encoding=UTF8 \\
  --no-locale --no-sync --pgdata="\$PGDATA"
# initdb trusts only local and loopback connections; the host reaches us through Docker's
# bridge, as with the official image's POSTGRES_HOST_AUTH_METHOD=trust.
echo 'host all all all trust' >>"\$PGDATA/pg_hba.conf"
exec $bindir/postgres -D "\$PGDATA" -c listen_addresses='*' -c port=5432 \\
  -c unix_socket_directories=/var/run/postgresql "\$@"
EOF
chmod 755 "$root/entrypoint.sh"

echo "build-postgres-image: importing $(du -sh "$root" | cut -f1) from $bindir as $tag" >&2
tar --numeric-owner -C "$root" -c . | docker import \
  --change 'ENTRYPOINT ["/entrypoint.sh"]' --change 'CMD ["postgres"]' \
  --change 'USER postgres' --change 'EXPOSE 5432' \
  --change "ENV PATH=$bindir:/bin" \
  - "$tag" >&2
echo "$tag"
