#!/usr/bin/env bash
# ceph.sh up|down DIR [PORT]: a one-node Ceph cluster with the S3 gateway on 127.0.0.1:PORT.
#
#   up    installs radosgw/ceph-mon/ceph-osd from Debian if missing, then creates the cluster
#         in DIR (or restarts it; data persists) and waits until the gateway answers. Prints
#         the gateway URL as its only line on stdout. Fails loudly (exit 1, logs on stderr).
#   down  stops the daemons recorded in DIR and waits for them.
#
# Uses ../shared/tools/ceph-rgw-{up,down}.sh (the repo's sibling shared/ folder, read-only in
# CI). Those tools write only inside DIR, so they run in place.
# Credentials: AKIDCREDS3TEST / creds3-test-secret. Also binds 127.0.0.1:6789 and 6800-6803,
# so only one cluster can run on a machine at a time.
# Timing on the 2-core dev machine: install ~40 s (once), fresh boot ~21 s, restart ~6.5 s,
# down ~6.5 s; about 150 MB RSS idle.
set -euo pipefail

usage="usage: ceph.sh up|down DIR [PORT]"
action=${1:?$usage}
dir=$(realpath -m "${2:?$usage}")
port=${3:-7480}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=$(cd "$repo/../shared/tools" 2>/dev/null && pwd) || {
  echo "ceph.sh: error: $repo/../shared/tools not found (the shared/ folder beside the repo)" >&2
  exit 1
}

install_ceph() {
  local missing=0 b
  for b in radosgw ceph-mon ceph-osd ceph radosgw-admin ceph-authtool monmaptool uuidgen curl; do
    command -v "$b" >/dev/null 2>&1 || missing=1
  done
  [ "$missing" = 0 ] && return 0
  echo "ceph.sh: installing radosgw ceph-mon ceph-osd with apt-get (log: $dir/apt.log)" >&2
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if ! {
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        radosgw ceph-mon ceph-osd uuid-runtime curl
  } >"$dir/apt.log" 2>&1; then
    echo "ceph.sh: error: installing the Ceph packages failed; end of $dir/apt.log:" >&2
    tail -n 20 "$dir/apt.log" >&2
    exit 1
  fi
}

# Drop pid files whose process is gone or is no longer a Ceph daemon, so the down tool never
# signals an unrelated process that reused the PID.
clean_pidfiles() {
  local p pid comm
  for p in rgw osd mon; do
    [ -f "$dir/$p.pidf" ] || continue
    pid=$(cat "$dir/$p.pidf")
    comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
    case "$comm" in
    ceph-mon | ceph-osd | radosgw) ;;
    *) rm -f "$dir/$p.pidf" ;;
    esac
  done
}

dump_logs() {
  local f
  echo "ceph.sh: error: $1; last lines of the logs in $dir:" >&2
  for f in "$dir/up.log" "$dir"/log/*.stdout "$dir"/log/*.log; do
    [ -s "$f" ] && {
      echo "--- $f" >&2
      tail -n 12 "$f" >&2
    }
  done
}

case "$action" in
up)
  mkdir -p "$dir"
  install_ceph
  clean_pidfiles
  # Daemons left running by an earlier run would hold the ports: stop them first.
  bash "$tools/ceph-rgw-down.sh" "$dir" >/dev/null 2>&1 || true
  # The gateway port is written into ceph.conf when the cluster is created; follow PORT.
  if [ -f "$dir/ceph.conf" ]; then
    sed -i -E "s#^(rgw frontends = beast endpoint=127\.0\.0\.1:)[0-9]+#\1$port#" "$dir/ceph.conf"
  fi
  # The daemons keep running in the background: keep them off our stdout/stderr, or a caller
  # that reads our output to the end would wait for them forever.
  if ! bash "$tools/ceph-rgw-up.sh" "$dir" "$port" >"$dir/up.log" 2>&1 </dev/null; then
    dump_logs "ceph-rgw-up.sh failed"
    bash "$tools/ceph-rgw-down.sh" "$dir" >/dev/null 2>&1 || true
    exit 1
  fi
  if ! curl -sf -o /dev/null "http://127.0.0.1:$port/"; then
    dump_logs "the gateway does not answer on http://127.0.0.1:$port/"
    bash "$tools/ceph-rgw-down.sh" "$dir" >/dev/null 2>&1 || true
    exit 1
  fi
  echo "http://127.0.0.1:$port"
  ;;
down)
  clean_pidfiles
  bash "$tools/ceph-rgw-down.sh" "$dir"
  ;;
*)
  echo "$usage" >&2
  exit 2
  ;;
esac
