#!/usr/bin/env bash
# ceph.sh up|down DIR [PORT]: a one-node Ceph cluster with the S3 gateway on 127.0.0.1:PORT.
#
#   up    installs radosgw, ceph-mon and ceph-osd with apt-get if missing, then creates the
#         cluster in DIR (or restarts it; data persists) and waits until the gateway answers.
#         Prints the gateway URL as its only line on stdout. Fails loudly (exit 1, logs on
#         stderr).
#   down  stops the daemons recorded in DIR and waits for them.
#
# Everything it writes is inside DIR. One monitor (v1 protocol, no cephx), one BlueStore OSD
# on a 4 GiB file, pools of size 1, and the gateway with a user whose keys are
# AKIDCREDS3TEST / creds3-test-secret. It binds 127.0.0.1:6789 and 6800-6803 too, so only one
# cluster can run on a machine at a time.
# Timing on the 2-core dev machine: install ~40 s (once), fresh boot ~21 s, restart ~6.5 s,
# down ~6.5 s; about 150 MB RSS idle.
set -euo pipefail

usage="usage: ceph.sh up|down DIR [PORT]"
action=${1:?$usage}
dir=$(realpath -m "${2:?$usage}")
port=${3:-7480}

ACCESS_KEY=AKIDCREDS3TEST
SECRET_KEY=creds3-test-secret
DAEMONS=(rgw osd mon) # stop order; started in reverse

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

# The configuration of a new cluster: everything under DIR, the gateway on PORT.
write_conf() {
  local fsid=$1 sse_key
  sse_key=$(head -c 32 /dev/urandom | base64)
  cat >"$dir/ceph.conf" <<EOF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:6789
public addr = 127.0.0.1
public network = 127.0.0.0/8
ms bind msgr2 = false
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd crush chooseleaf type = 0
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
mon max pg per osd = 1000
mon warn on pool no redundancy = false
run dir = $dir/run
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
keyring = $dir/keyring
chdir = ""
[mon]
mon data = $dir/mon.\$id
mon data avail crit = 1
mon data avail warn = 2
[osd]
osd data = $dir/osd\$id
osd objectstore = bluestore
bluestore block path = $dir/osd\$id.block
bluestore block create = true
bluestore block size = 4294967296
bluestore block db create = false
bluestore block wal create = false
bluestore cache size = 134217728
osd memory target = 536870912
[client.rgw.test]
rgw frontends = beast endpoint=127.0.0.1:$port tcp_nodelay=1
rgw dns name = localhost
rgw data = $dir/rgw
rgw crypt require ssl = false
rgw crypt s3 kms backend = testing
rgw crypt s3 kms encryption keys = alias/creds3=$sse_key
EOF
}

ceph_cli() {
  ceph -c "$dir/ceph.conf" "$@"
}

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every 0.1 s until it succeeds.
wait_for() {
  local seconds=$1 what=$2 i
  shift 2
  for ((i = 0; i < seconds * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "ceph.sh: $what did not happen within $seconds s" >&2
  return 1
}

osd_up() {
  ceph_cli osd stat 2>/dev/null | grep -q '1 up'
}

gateway_answers() {
  curl -s -o /dev/null "http://127.0.0.1:$port/"
}

# start NAME COMMAND...: runs a daemon in the foreground of a background job, its pid in DIR.
start() {
  local name=$1
  shift
  "$@" >"$dir/log/$name.stdout" 2>&1 &
  echo $! >"$dir/$name.pidf"
}

# The steps below run where `set -e` does not apply (in `if` and `||`): each failure returns.
create_cluster() {
  local fsid osd_uuid
  fsid=$(uuidgen) && osd_uuid=$(uuidgen) || return 1
  mkdir -p "$dir"/{run,log,mon.a,osd0} || return 1
  write_conf "$fsid" || return 1
  (
    cd "$dir" &&
      ceph-authtool --create-keyring keyring --gen-key -n mon. --cap mon 'allow *' >/dev/null &&
      monmaptool --create --addv a v1:127.0.0.1:6789 --fsid "$fsid" monmap >/dev/null &&
      ceph-mon --mkfs -i a --monmap monmap --keyring keyring -c ceph.conf
  ) || return 1
  echo "$osd_uuid" >"$dir/osd0.uuid"
}

boot() {
  local fresh=$1 osd_uuid
  cd "$dir" || return 1
  start mon ceph-mon -f -i a -c ceph.conf
  wait_for 10 "the monitor answering" ceph_cli mon stat || return 1
  if [ "$fresh" = 1 ]; then
    osd_uuid=$(cat osd0.uuid) &&
      ceph_cli osd create "$osd_uuid" >/dev/null &&
      ceph-osd -i 0 --mkfs --osd-uuid "$osd_uuid" -c ceph.conf >log/osd-mkfs.log 2>&1 &&
      ceph_cli osd crush add-bucket localhost host >/dev/null 2>&1 &&
      ceph_cli osd crush move localhost root=default >/dev/null 2>&1 &&
      ceph_cli osd crush add osd.0 1.0 host=localhost >/dev/null 2>&1 || return 1
  fi
  start osd ceph-osd -f -i 0 -c ceph.conf
  wait_for 30 "the OSD coming up" osd_up || return 1
  start rgw radosgw -f -n client.rgw.test -c ceph.conf
  wait_for 90 "the gateway answering on port $port" gateway_answers || return 1
  if [ "$fresh" = 1 ]; then
    radosgw-admin -c ceph.conf user create --uid=creds3 --display-name=creds3 \
      --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null || return 1
  fi
}

# Stops the daemons by their recorded pids, each only if that pid is still a Ceph daemon (a
# pid left from an earlier boot may belong to another process by now), and waits for them.
stop_daemons() {
  local name pid comm
  for name in "${DAEMONS[@]}"; do
    [ -f "$dir/$name.pidf" ] || continue
    pid=$(cat "$dir/$name.pidf")
    comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
    case "$comm" in
    ceph-mon | ceph-osd | radosgw) kill "$pid" 2>/dev/null || true ;;
    *) rm -f "$dir/$name.pidf" ;;
    esac
  done
  for name in "${DAEMONS[@]}"; do
    [ -f "$dir/$name.pidf" ] || continue
    pid=$(cat "$dir/$name.pidf")
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    rm -f "$dir/$name.pidf"
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
  # Daemons left running by an earlier run would hold the ports: stop them first.
  stop_daemons
  fresh=0
  if [ -f "$dir/ceph.conf" ]; then
    # The gateway port is written into ceph.conf when the cluster is created; follow PORT.
    sed -i -E "s#^(rgw frontends = beast endpoint=127\.0\.0\.1:)[0-9]+#\1$port#" "$dir/ceph.conf"
  else
    fresh=1
    create_cluster >"$dir/up.log" 2>&1 || {
      dump_logs "creating the cluster failed"
      exit 1
    }
  fi
  # The daemons keep running in the background: keep them off our stdout/stderr, or a caller
  # that reads our output to the end would wait for them forever.
  if ! (boot "$fresh") >>"$dir/up.log" 2>&1 </dev/null; then
    dump_logs "the cluster did not start"
    stop_daemons
    exit 1
  fi
  if ! gateway_answers; then
    dump_logs "the gateway does not answer on http://127.0.0.1:$port/"
    stop_daemons
    exit 1
  fi
  echo "http://127.0.0.1:$port"
  ;;
down)
  stop_daemons
  ;;
*)
  echo "$usage" >&2
  exit 2
  ;;
esac
