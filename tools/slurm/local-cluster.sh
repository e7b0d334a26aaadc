#!/usr/bin/env bash
# A real one-node SLURM cluster on this machine, for Cascade's integration tests (issue 14).
#
#   tools/slurm/local-cluster.sh install      apt-get install slurmctld slurmd munge slurm-client when missing
#   tools/slurm/local-cluster.sh start DIR    write DIR/slurm.conf, start munged, slurmctld and slurmd (as
#                                             root), wait until the node is idle (at most 60 s), then print
#                                             the line `export SLURM_CONF=DIR/slurm.conf` on stdout
#   tools/slurm/local-cluster.sh stop DIR     cancel the cluster's jobs, stop the three daemons started
#                                             for DIR (by the pid files in DIR/run; nothing else is killed)
#   tools/slurm/local-cluster.sh status DIR   which daemons run, sinfo and squeue
#
# Usage in a test script:  eval "$(tools/slurm/local-cluster.sh start /tmp/cascade-slurm)"
# Every message goes to stderr; start's stdout is only the export line. start and stop are idempotent:
# starting a running cluster only prints the line again, stopping a stopped one says so.
#
# The configuration is tools/slurm/slurm.conf.in; DIR gets the filled-in copy (no cgroup.conf: no
# cgroup plugin is used) and every folder the daemons write to: state/, spool/, log/ (slurmctld.log, slurmd.log,
# munged.log, jobcomp.txt), run/ (pid files) and munge/ (its own key and socket; the system munge,
# if any, is not touched). The node is this host, named by `hostname -s`, reached on 127.0.0.1.
#
# Environment:
#   CASCADE_SLURM_PORT  slurmctld's port (default 6817); slurmd listens on the next one. Change it to
#                       run two clusters side by side.
#   CASCADE_SLURM_CPUS  CPUs the node claims (default 64, whatever the hardware: the configuration wins,
#                       so Cascade's default --ntasks-per-node=32 is accepted; the tasks are stand-ins)
#
# Requires root (the daemons run as root, with proctrack/linuxproc and task/none: no cgroups).
# No network is used except by `install` (apt).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PROG=local-cluster.sh
PACKAGES=(slurmctld slurmd munge slurm-client)
WAIT_IDLE=60

say() { echo "$PROG: $*" >&2; }
die() { echo "$PROG: $*" >&2; exit 1; }

usage() {
  echo "usage:" >&2
  sed -n '4,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# --- install ---------------------------------------------------------------------------------------

missing_packages() {
  local p out=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || out+=("$p")
  done
  echo "${out[*]}"
}

cmd_install() {
  local need
  need=$(missing_packages)
  if [ -z "$need" ]; then
    say "installed already: ${PACKAGES[*]}"
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || die "installing needs root (apt-get install -y $need)"
  command -v apt-get >/dev/null || die "no apt-get: install $need (SLURM and munge) by hand"
  # apt-get update first when apt does not know one of the packages (a fresh image has no lists)
  local p
  for p in $need; do
    if ! apt-cache show "$p" >/dev/null 2>&1; then
      say "apt does not know $p: apt-get update"
      apt-get update -qq
      break
    fi
  done
  say "installing: $need"
  # policy-rc.d in containers keeps the packages' services from starting; they are not used anyway
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >&2
  need=$(missing_packages)
  [ -z "$need" ] || die "still missing after apt-get: $need"
  say "installed: ${PACKAGES[*]}"
}

# --- helpers ---------------------------------------------------------------------------------------

require_dir() {
  [ -n "${1:-}" ] || usage
  DIR=$1
}

require_tools() {
  local c missing=()
  for c in munged slurmctld slurmd sinfo squeue sbatch scancel scontrol; do
    command -v "$c" >/dev/null || missing+=("$c")
  done
  [ ${#missing[@]} -eq 0 ] || die "not installed: ${missing[*]} (run: $0 install)"
}

# pid_of NAME: the pid in DIR/run/NAME.pid when that process is alive, is NAME and was started for
# DIR (its command line names DIR/slurm.conf, or DIR's munge key), else nothing. So stop never kills
# a recycled pid or another cluster's daemon.
pid_of() {
  local name=$1 file="$DIR/run/$1.pid" pid comm mark
  [ -s "$file" ] || return 0
  pid=$(tr -dc '0-9' < "$file" 2>/dev/null) || return 0   # the daemon may remove it as we read
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 0
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  [ "$comm" = "$name" ] || return 0
  if [ "$name" = munged ]; then mark="--key-file=$DIR/munge/munge.key "; else mark=" $DIR/slurm.conf "; fi
  { tr '\0' ' ' < "/proc/$pid/cmdline"; echo; } 2>/dev/null | grep -qF -- "$mark" || return 0
  echo "$pid"
}

port_busy() {
  command -v ss >/dev/null || return 1
  [ -n "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]
}

node_state() {
  SLURM_CONF="$DIR/slurm.conf" sinfo -h -N -n "$HOST" -o '%T' 2>/dev/null | head -n 1 || true
}

write_config() {
  local cpus=${CASCADE_SLURM_CPUS:-64} ctld=${CASCADE_SLURM_PORT:-6817} mem
  case "$cpus$ctld" in *[!0-9]*) die "CASCADE_SLURM_CPUS and CASCADE_SLURM_PORT must be numbers" ;; esac
  mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  mkdir -p "$DIR"/{state,spool,log,run,munge}
  chmod 0755 "$DIR" "$DIR/run" "$DIR/log" "$DIR/spool"
  chmod 0700 "$DIR/state"
  chmod 0755 "$DIR/munge"   # munged wants it not group/world-writable; users need to reach the socket
  sed -e "s|@HOST@|$HOST|g" -e "s|@DIR@|$DIR|g" -e "s|@CPUS@|$cpus|g" -e "s|@MEMORY@|$mem|g" \
      -e "s|@CTLD_PORT@|$ctld|g" -e "s|@SLURMD_PORT@|$((ctld + 1))|g" \
      "$HERE/slurm.conf.in" > "$DIR/slurm.conf.new"
  mv "$DIR/slurm.conf.new" "$DIR/slurm.conf"
  : > "$DIR/plugstack.conf"   # no SPANK plugins (and none of /etc/slurm's)
  CTLD_PORT=$ctld
  SLURMD_PORT=$((ctld + 1))
}

make_key() {
  local key="$DIR/munge/munge.key"
  [ -s "$key" ] && return 0
  say "creating a munge key: $key"
  if command -v mungekey >/dev/null; then
    mungekey --create --keyfile="$key" --force
  else
    dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
  fi
  chmod 0600 "$key"
}

# wait_for NAME SECONDS: until DIR/run/NAME.pid names a live NAME
wait_for() {
  local name=$1 i
  for ((i = 0; i < $2 * 10; i++)); do
    [ -n "$(pid_of "$name")" ] && return 0
    sleep 0.1
  done
  return 1
}

show_log() {
  [ -s "$1" ] || return 0
  say "last lines of $1:"
  tail -n 15 "$1" | sed 's/^/    /' >&2
}

# --- start -----------------------------------------------------------------------------------------

cmd_start() {
  require_dir "${1:-}"
  [ "$(id -u)" -eq 0 ] || die "start needs root: the daemons run as root"
  require_tools
  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd)
  case "$DIR" in *[[:space:]\|\&]*) die "DIR must not hold spaces, '|' or '&': $DIR" ;; esac
  HOST=$(hostname -s)
  local t0
  t0=$(date +%s%N)

  if [ -n "$(pid_of munged)" ] && [ -n "$(pid_of slurmctld)" ] && [ -n "$(pid_of slurmd)" ]; then
    say "already running for $DIR"
  else
    if [ -z "$(pid_of slurmctld)" ] && [ -z "$(pid_of slurmd)" ]; then
      write_config
      local p
      for p in "$CTLD_PORT" "$SLURMD_PORT"; do
        port_busy "$p" && die "port $p is taken (another SLURM?): stop it, or set CASCADE_SLURM_PORT"
      done
    fi
    [ -s "$DIR/slurm.conf" ] || die "no $DIR/slurm.conf"

    if [ -z "$(pid_of munged)" ]; then
      make_key
      rm -f "$DIR/munge/munge.socket.2" "$DIR/munge/munge.socket.2.lock"
      say "starting munged"
      # --force: munged refuses some setups it thinks unsafe (e.g. running as root); this one is local
      munged --force --key-file="$DIR/munge/munge.key" --socket="$DIR/munge/munge.socket.2" \
        --pid-file="$DIR/run/munged.pid" --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/munge.seed" \
        || { show_log "$DIR/log/munged.log"; die "munged did not start"; }
      wait_for munged 10 || { show_log "$DIR/log/munged.log"; die "munged did not start"; }
    fi
    if [ -z "$(pid_of slurmctld)" ]; then
      say "starting slurmctld"
      slurmctld -f "$DIR/slurm.conf" || { show_log "$DIR/log/slurmctld.log"; die "slurmctld did not start"; }
      wait_for slurmctld 20 || { show_log "$DIR/log/slurmctld.log"; die "slurmctld did not start"; }
    fi
    if [ -z "$(pid_of slurmd)" ]; then
      say "starting slurmd (node $HOST)"
      slurmd -f "$DIR/slurm.conf" -N "$HOST" || { show_log "$DIR/log/slurmd.log"; die "slurmd did not start"; }
      wait_for slurmd 20 || { show_log "$DIR/log/slurmd.log"; die "slurmd did not start"; }
    fi
  fi

  local state="" i
  for ((i = 0; i < WAIT_IDLE * 2; i++)); do
    state=$(node_state)
    case "$state" in
      idle | mixed | allocated) break ;;   # up (a restarted cluster may still be running jobs)
      down* | drain* | fail*)
        # ReturnToService=2 brings it back when slurmd registers; say so once if it lingers
        [ $i -eq 20 ] && say "node $HOST is $state; waiting for slurmd to register" ;;
    esac
    sleep 0.5
  done
  case "$state" in
    idle | mixed | allocated) ;;
    *)
      show_log "$DIR/log/slurmctld.log"
      show_log "$DIR/log/slurmd.log"
      die "node $HOST is not up after ${WAIT_IDLE} s (sinfo says '${state:-nothing}'); the daemons are left running: $0 stop $DIR"
      ;;
  esac
  local ms=$((($(date +%s%N) - t0) / 1000000))
  say "node $HOST is $state after $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s; logs in $DIR/log"
  echo "export SLURM_CONF=$DIR/slurm.conf"
}

# --- stop ------------------------------------------------------------------------------------------

# gone PID: the process has exited (no /proc entry, or a zombie waiting to be reaped)
gone() {
  [ ! -d "/proc/$1" ] && return 0
  [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null || echo Z)" = Z ]
}

# stop_daemon NAME: SIGTERM, wait up to 20 s for it to exit, then SIGKILL (the pid is checked again
# against DIR first)
stop_daemon() {
  local name=$1 pid i
  pid=$(pid_of "$name")
  if [ -z "$pid" ]; then
    say "$name: not running"
    rm -f "$DIR/run/$name.pid"
    return 0
  fi
  say "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    gone "$pid" && break
    sleep 0.1
  done
  if ! gone "$pid" && [ "$(pid_of "$name")" = "$pid" ]; then
    say "$name (pid $pid) ignored SIGTERM for 20 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do gone "$pid" && break; sleep 0.1; done
  fi
  gone "$pid" || say "warning: $name (pid $pid) is still there"
  rm -f "$DIR/run/$name.pid"
  # an exited daemon stays a zombie until init reaps it (a second or two in some containers)
  for ((i = 0; i < 100; i++)); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
}

cmd_stop() {
  require_dir "${1:-}"
  [ -d "$DIR" ] || { say "no $DIR: nothing to stop"; return 0; }
  DIR=$(cd "$DIR" && pwd)
  HOST=$(hostname -s)
  # Jobs first: slurmd leaves running job steps alive when it stops, so cancel them and wait (up to
  # KillWait + 15 s) until none is running or completing.
  if [ -n "$(pid_of slurmctld)" ] && [ -n "$(pid_of munged)" ]; then
    export SLURM_CONF="$DIR/slurm.conf"
    local jobs i
    jobs=$(squeue -h -t PD,R,CG,S -o '%i' 2>/dev/null | tr '\n' ' ' || true)
    if [ -n "${jobs// /}" ]; then
      say "cancelling jobs: $jobs"
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      for ((i = 0; i < 40; i++)); do
        [ -z "$(squeue -h -t R,CG -o '%i' 2>/dev/null || true)" ] && break
        sleep 0.5
      done
      [ -z "$(squeue -h -t R,CG -o '%i' 2>/dev/null || true)" ] || say "some jobs are still running or completing"
    fi
  fi
  stop_daemon slurmd
  stop_daemon slurmctld
  stop_daemon munged
  # job steps whose slurmstepd outlived slurmd would still hold files under DIR: name them, never kill
  local p left=()
  for p in /proc/[0-9]*; do
    [ "$(cat "$p/comm" 2>/dev/null || true)" = slurmstepd ] || continue
    ls -l "$p/fd" 2>/dev/null | grep -qF -- "$DIR/" && left+=("${p#/proc/}")
  done
  [ ${#left[@]} -eq 0 ] || say "warning: slurmstepd still running for $DIR: pid ${left[*]} (not killed)"
  say "stopped ($DIR kept: logs in $DIR/log)"
}

# --- status ----------------------------------------------------------------------------------------

cmd_status() {
  require_dir "${1:-}"
  [ -d "$DIR" ] || die "no $DIR"
  DIR=$(cd "$DIR" && pwd)
  HOST=$(hostname -s)
  local name pid up=0
  for name in munged slurmctld slurmd; do
    pid=$(pid_of "$name")
    if [ -n "$pid" ]; then
      echo "$name: running (pid $pid)"
      up=$((up + 1))
    else
      echo "$name: not running"
    fi
  done
  if [ -n "$(pid_of slurmctld)" ] && [ -n "$(pid_of munged)" ]; then
    export SLURM_CONF="$DIR/slurm.conf"
    echo "export SLURM_CONF=$DIR/slurm.conf"
    sinfo -N -o '%N %P %T %c' || true
    squeue -o '%i %j %T %r %M %l' || true
  fi
  [ $up -eq 3 ]
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  status) cmd_status "${2:-}" ;;
  *) usage ;;
esac
