#!/usr/bin/env bash
# README's two commands on a machine that has never seen the project.
#
#   sudo scripts/fresh-machine-check.sh [--report docs/fresh-machine.md] [--no-test] [--keep]
#   (npm run fresh-machine-check -- --report docs/fresh-machine.md)
#
# Builds a minimal Debian root with debootstrap (the host's release), puts this machine's Node.js
# in it (node, npm and the headers from node's install prefix), clones this repository's committed
# HEAD into /root/kafkats and runs, inside the root (chroot, in private mount and PID namespaces):
#
#   1. `npm install && npm start` until `cluster ready`; then, from this machine, a kcat round trip
#      through localhost:9092 and the listing of the three brokers; then Ctrl-C (SIGINT to the
#      command's process group, as a terminal sends it) and a clean stop;
#   2. `npm install && npm test` — the whole suite.
#
# Nothing kafkats needs is in the root beforehand: ZooKeeper, Java, kcat, confluent-kafka-python and
# the compatibility suite's Go and kafka-python packages must be installed by those commands
# themselves. The root does get python3, make and g++, as node's own Debian package brings python3
# (nothing in kafkats' dependencies compiles any more; node-gyp would, for `npm run
# compat:node-rdkafka`, whose `nodedir` points at the copied headers: no download from nodejs.org).
# The root trusts the TLS certificate authorities this machine adds locally (an egress proxy's).
#
# Needs root, debootstrap, git, kcat, unshare (util-linux), ports 9092-9094 free, about 2 GB in
# the work directory and 10-20 minutes (most of it `npm test`). Not part of `npm test`.
# Environment: FRESH_WORKDIR (default /var/tmp/kafkats-fresh-machine), FRESH_SUITE (default: the
# host's VERSION_CODENAME), FRESH_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

report=""
run_test=1
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --report) report="$(realpath -m "$2")"; shift 2 ;;
    --no-test) run_test=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fresh-machine-check: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { printf '[fresh-machine %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { say "FAILED: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, namespaces): sudo $0 $*"
for tool in debootstrap git kcat unshare setsid chroot; do
  command -v "$tool" >/dev/null || die "needs $tool on this machine (apt-get install debootstrap git kcat util-linux)"
done
for port in 9092 9093 9094; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is in use here; the root shares this machine's network and npm start listens on 9092-9094"; fi
done

repo="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
commit="$(git -C "$repo" rev-parse HEAD)"
branch="$(git -C "$repo" branch --show-current)"
[ -z "$(git -C "$repo" status --porcelain --untracked-files=no)" ] || say "note: uncommitted changes in $repo are not part of the check (it clones $commit)"
. /etc/os-release
suite="${FRESH_SUITE:-${VERSION_CODENAME:-bookworm}}"
mirror="${FRESH_MIRROR:-http://deb.debian.org/debian}"
node_bin="$(readlink -f "$(command -v node)")"
node_prefix="$(dirname "$(dirname "$node_bin")")"
[ -d "$node_prefix/lib/node_modules/npm" ] || die "no npm beside node in $node_prefix"

workdir="${FRESH_WORKDIR:-/var/tmp/kafkats-fresh-machine}"
mkdir -p "$workdir/debs"
work="$(mktemp -d "$workdir/run.XXXXXX")"
root="$work/root"
start_log="$work/npm-start.log"
test_log="$work/npm-test.log"
start_pid=""

# The namespaces take every mount and process of the root with them when their first process
# ends; this kills what may still run (a command interrupted mid-way) and removes the root.
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$start_pid" ] && kill -0 "$start_pid" 2>/dev/null; then
    kill -KILL -- "-$start_pid" 2>/dev/null || true
  fi
  for p in /proc/[0-9]*; do
    if [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ]; then kill -KILL "${p#/proc/}" 2>/dev/null || true; fi
  done
  sleep 1
  if grep -q " $root/" /proc/self/mounts; then
    say "mounts left under $root (not removed):"; grep " $root/" /proc/self/mounts >&2
  elif [ "$keep" = 1 ]; then
    say "kept $work"
  else
    rm -rf --one-file-system "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# in_root COMMAND: runs COMMAND with bash in the root as root, in a clean login-like environment,
# in new mount and PID namespaces (/proc, /dev and /sys mounted there only).
in_root() {
  unshare --mount --propagation private --pid --kill-child --mount-proc="$root/proc" \
    /bin/bash -c 'mount --rbind /dev "$1/dev" && mount -t sysfs sysfs "$1/sys" &&
      chroot "$1" /usr/bin/env -i HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 TERM=dumb $4 \
        PATH="$2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" /bin/bash -c "$3"; exit $?' \
    in-root "$root" "$node_prefix" "$1" "$root_env"
}
# This machine may reach the internet through a TLS-intercepting proxy whose CA it trusts (local
# CAs in /usr/local/share/ca-certificates, NODE_EXTRA_CA_CERTS for node): the root trusts the same.
root_env="${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS}"
export -f in_root
export root node_prefix root_env

t0=$(date +%s)
say "debootstrap $suite (minbase + ca-certificates python3 make g++) into $root"
debootstrap --variant=minbase --include=ca-certificates,python3,make,g++ --cache-dir="$workdir/debs" \
  "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap"; }
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb http://deb.debian.org/debian-security $suite-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf"
# What Debian's installer writes (debootstrap writes no /etc/hosts); brokers advertise localhost.
printf '127.0.0.1\tlocalhost\n127.0.1.1\tfresh-machine\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
echo fresh-machine >"$root/etc/hostname"
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  in_root 'update-ca-certificates >/dev/null 2>&1' || die "update-ca-certificates in the root"
fi

say "Node.js $("$node_bin" --version) and npm from $node_prefix"
mkdir -p "$root$node_prefix/bin" "$root$node_prefix/lib/node_modules" "$root$node_prefix/include"
cp -a "$node_bin" "$root$node_prefix/bin/node"
cp -a "$node_prefix/lib/node_modules/npm" "$root$node_prefix/lib/node_modules/"
[ ! -d "$node_prefix/include/node" ] || cp -a "$node_prefix/include/node" "$root$node_prefix/include/"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root$node_prefix/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root$node_prefix/bin/npx"
echo "nodedir=$node_prefix" >"$root/root/.npmrc"

say "git clone $repo ($branch, $commit) into /root/kafkats"
git clone --quiet --no-hardlinks ${branch:+--branch "$branch"} "$repo" "$root/root/kafkats"
git -C "$root/root/kafkats" checkout --quiet "$commit"
# The generated-protocol spec reads Kafka's message JSON from ../shared when it is there.
if [ -d "$repo/../shared" ]; then mkdir -p "$root/root/shared" && cp -a "$(readlink -f "$repo/../shared")/." "$root/root/shared/"; fi

if in_root 'command -v java || command -v kcat || command -v go || [ -e /usr/share/java/zookeeper.jar ] || python3 -c "import confluent_kafka" 2>/dev/null'; then
  die "the root already has Java, kcat, Go, ZooKeeper or confluent-kafka-python"
fi

# ---- 1. npm install && npm start -------------------------------------------------------------------
say "in the root: npm install && npm start (until 'cluster ready')"
: >"$start_log"
t_start=$(date +%s)
setsid bash -c 'in_root "cd /root/kafkats && npm install && npm start"' >"$start_log" 2>&1 &
start_pid=$!
deadline=$(( $(date +%s) + 1200 ))
until grep -q '^cluster ready$' "$start_log"; do
  kill -0 "$start_pid" 2>/dev/null || { tail -40 "$start_log" >&2; die "npm start ended before 'cluster ready'"; }
  [ "$(date +%s)" -lt "$deadline" ] || { tail -40 "$start_log" >&2; die "no 'cluster ready' within 20 min"; }
  sleep 2
done
t_ready=$(date +%s)
say "cluster ready $(( t_ready - t_start )) s after npm install && npm start began"

message="fresh machine $(date -u +%Y-%m-%dT%H:%M:%SZ)"
printf '%s\n' "$message" | kcat -b localhost:9092 -P -t fresh-machine-check -X message.timeout.ms=30000 || die "kcat produce"
echoed="$(kcat -b localhost:9092 -C -t fresh-machine-check -o beginning -c 1 -e -q -m 30)" || die "kcat consume"
[ "$echoed" = "$message" ] || die "kcat read back '$echoed', wrote '$message'"
brokers="$(kcat -b localhost:9092 -L -m 30 | grep -c '^  broker [0-9]* at localhost:909[234]')"
[ "$brokers" = 3 ] || die "kcat -L lists $brokers brokers, expected 3"
say "kcat round trip through localhost:9092: wrote and read back '$message'; kcat -L lists 3 brokers"
kcat_lines="kcat round trip: wrote and read back '$message' (topic fresh-machine-check); kcat -L lists 3 brokers"

say "Ctrl-C (SIGINT to npm start's process group)"
kill -INT -- "-$start_pid"
for _ in $(seq 1 60); do kill -0 "$start_pid" 2>/dev/null || break; sleep 1; done
if kill -0 "$start_pid" 2>/dev/null; then tail -20 "$start_log" >&2; die "npm start still running 60 s after Ctrl-C"; fi
start_status=0; wait "$start_pid" || start_status=$?
start_pid=""
grep -q 'kafkats cluster: cluster stopped in' "$start_log" || { tail -20 "$start_log" >&2; die "no 'cluster stopped' after Ctrl-C"; }
# npm itself exits 130 after a SIGINT, whatever its script's status; kafkats printed its clean stop.
case "$start_status" in 0|130) ;; *) tail -20 "$start_log" >&2; die "npm start exited $start_status after Ctrl-C" ;; esac
! grep -q 'kafkats cluster: stop failed' "$start_log" || die "kafkats cluster: stop failed"
say "npm start stopped (exit status $start_status): $(grep -o 'cluster stopped in [0-9]* ms' "$start_log")"
grep -q '^kafkats cluster: installing zookeeper' "$start_log" || die "npm start did not announce installing zookeeper"

# ---- 2. npm install && npm test --------------------------------------------------------------------
test_status="not run (--no-test)"
if [ "$run_test" = 1 ]; then
  say "in the root: npm install && npm test (the whole suite; several minutes)"
  t_test=$(date +%s)
  test_status=0
  in_root "cd /root/kafkats && npm install && npm test" >"$test_log" 2>&1 || test_status=$?
  say "npm test exit status $test_status after $(( $(date +%s) - t_test )) s: $(grep -E '^ +[0-9]+ (passing|failing|pending)' "$test_log" | tr -s ' ' | tr '\n' ' ')"
  grep -q '^kafkats: installing ' "$test_log" || say "note: npm test installed nothing (npm start had installed all it needs?)"
fi

# ---- report --------------------------------------------------------------------------------------
if [ -n "$report" ]; then
  {
    echo "# Fresh-machine check"
    echo
    echo "README's two commands on a Debian root that has never seen the project, built by"
    echo "\`scripts/fresh-machine-check.sh\` (\`sudo npm run fresh-machine-check -- --report docs/fresh-machine.md\`)."
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- commit: $commit${branch:+ ($branch)}"
    echo "- root: debootstrap --variant=minbase $suite (+ ca-certificates python3 make g++), Node.js $("$node_bin" --version) and npm $(PATH="$node_prefix/bin:$PATH" npm --version) copied from the host;"
    echo "  no ZooKeeper, Java, kcat, confluent-kafka-python, ps, Go or kafka-python"
    echo "- \`npm install && npm start\`: cluster ready $(( t_ready - t_start )) s after the command began (npm install and apt-get included); $kcat_lines; Ctrl-C: $(grep -o 'cluster stopped in [0-9]* ms' "$start_log"), npm's exit status $start_status (npm's own after SIGINT)"
    echo "- \`npm install && npm test\`: exit status $test_status$( [ "$run_test" = 1 ] && echo "; $(grep -E '^ +[0-9]+ (passing|failing|pending)' "$test_log" | sed 's/^ *//' | sed 's/ *$//' | paste -sd, | sed 's/,/, /g')")"
    echo
    echo "## npm install && npm start"
    echo
    echo '```'
    # npm's and the brokers' start-up lines, the status table, the stop; broker INFO chatter trimmed.
    grep -v -E '^\[[0-9-]+ [0-9:,]+\] (INFO|DEBUG) ' "$start_log" | grep -v -E '^\s*$' | head -80
    echo '```'
    if [ "$run_test" = 1 ]; then
      echo
      echo "## npm install && npm test"
      echo
      echo '```'
      head -40 "$test_log"
      echo '…'
      grep -E '^ +[0-9]+ (passing|failing|pending)' -A 400 "$test_log" | head -150
      echo
      echo "pending and skipped specs (with the reasons they log):"
      grep -E '^ +- |^ *skipped: ' "$test_log" || echo "(none)"
      echo '```'
    fi
  } >"$report"
  say "report written to $report"
fi

[ "$run_test" = 0 ] || [ "$test_status" = 0 ] || die "npm test exited $test_status (--keep keeps its log, $test_log)"
say "PASSED in $(( $(date +%s) - t0 )) s"
