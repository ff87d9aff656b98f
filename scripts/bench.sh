#!/usr/bin/env bash
# `make bench`: runs the benchmarks and writes their figures to docs/benchmarks.md (machine, versions, date,
# figures, targets met or missed). Benchmarks print; a timing never fails this script. It exits non-zero only
# when a correctness check failed (a publish run failed, a torn document or a 5xx under load), after writing
# the document. Installs nginx and wrk with apt-get only when they are missing.
#
#   bash scripts/bench.sh            all benchmarks (about 3–4 minutes)
#   BENCH_QUICK=1 bash scripts/bench.sh   shorter runs, to try the script (figures not for the docs)
set -uo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true DEBIAN_FRONTEND=noninteractive
NODE=(node --import tsx)
out=docs/benchmarks.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "installing ${need[*]} with apt-get"
  { $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}"; } >/dev/null ||
    echo "apt-get failed; the server benchmark falls back to autocannon and skips what it cannot run" >&2
fi

if [ -n "${BENCH_QUICK:-}" ]; then
  publish_args=(--sizes small,medium)
  serve_args=(--duration 3)
  load_args=(--duration 8)
else
  publish_args=()
  serve_args=()
  load_args=()
fi

status=0
# run NAME CMD…: prints the benchmark's output as it goes and keeps it for the document
run() {
  local name=$1
  shift
  echo "== $name: $*"
  local started=$SECONDS
  "$@" 2>"$work/$name.err" | tee "$work/$name.out"
  local rc=${PIPESTATUS[0]}
  echo "$rc" >"$work/$name.rc"
  echo "$((SECONDS - started))" >"$work/$name.seconds"
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "$name exited $rc" >&2
    tail -20 "$work/$name.err" >&2
  fi
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
run publish "${NODE[@]}" test/bench/publish.ts "${publish_args[@]}"
run serve "${NODE[@]}" test/bench/serve.ts "${serve_args[@]}"
run serve-load "${NODE[@]}" test/bench/serve-load.ts "${load_args[@]}"
run render "${NODE[@]}" test/bench/render.ts
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

section() {
  local name=$1
  if [ "$(cat "$work/$name.rc")" -ne 0 ]; then
    echo "**This benchmark exited $(cat "$work/$name.rc") (a correctness check failed; see below).**"
    echo
    if [ -s "$work/$name.err" ]; then
      echo '```'
      tail -15 "$work/$name.err"
      echo '```'
      echo
    fi
  fi
  cat "$work/$name.out"
  echo
  echo "_($(cat "$work/$name.seconds") s)_"
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem_gib=$(awk '/MemTotal/{printf "%.0f", $2 / 1048576}' /proc/meminfo)
prom=$(prometheus --version 2>/dev/null | head -1 | sed 's/ (.*//')
nginx_v=$( (nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1) | head -1 | sed 's/.*nginx\///')
wrk_v=$(wrk --version 2>/dev/null | head -1 | awk '{print $2}')
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain 2>/dev/null | head -1)

{
  echo '# Benchmarks'
  echo
  echo "Written by \`make bench\` (\`scripts/bench.sh\`) on $(date -u +'%Y-%m-%d %H:%M UTC'). Rerun it to refresh every figure"
  echo 'below; nothing here is edited by hand. Benchmarks print figures and never fail on a timing; correctness'
  echo 'checks (a failed publish run, a 5xx or a torn document under load) make `make bench` exit 1.'
  [ -n "${BENCH_QUICK:-}" ] && { echo; echo '**Quick run (BENCH_QUICK=1): shortened, not the reference figures.**'; }
  echo
  echo '| | |'
  echo '|---|---|'
  echo "| machine | $(nproc) CPUs ($cpu), ${mem_gib} GiB memory, $(uname -sr) |"
  echo "| load average before / after | $load_before / $load_after (other work on the machine skews the figures) |"
  echo "| Node.js | $(node --version) |"
  echo "| Prometheus | ${prom:-not installed} |"
  echo "| nginx / wrk | ${nginx_v:-–} / ${wrk_v:-–} |"
  echo "| confluent-sd | $(node -p "require('./package.json').version") (commit $commit${dirty:+, with uncommitted changes}) |"
  echo
  echo '## 1. Publisher at scale'
  echo
  echo '`test/bench/publish.ts`: `confluent-sd publish`, compiled, as its own process, against the simulator'
  echo '(seed 42) at three organisation sizes, into a file store; a first run, then an unchanged run. Peak RSS is'
  echo 'the child process'"'"'s own `ru_maxrss`.'
  echo
  section publish
  echo
  echo '## 2. Server throughput next to nginx'
  echo
  echo '`test/bench/serve.ts`: one 1,000-group document behind a bearer token, 64 connections on loopback, the same'
  echo 'file served by nginx in the same run.'
  echo
  section serve
  echo
  echo '## 3. Server under load while documents switch'
  echo
  echo '`test/bench/serve-load.ts`: every answer checked (status, and the body'"'"'s sha256 against the manifests'
  echo 'of the runs published), server memory sampled each second.'
  echo
  section serve-load
  echo
  echo '## 4. Rendering alone'
  echo
  echo '`test/bench/render.ts`: 15,000 resources × 4 combinations, in-process, both groupings (ms per round).'
  echo
  echo '```'
  cat "$work/render.out"
  echo '```'
  echo
  echo '## Reliability suite'
  echo
  echo 'Part of `make test` (`test/reliability/`), not timed: API faults at 0, 5, 20 and 50 % (each run publishes'
  echo 'the fault-free bytes or fails with latest/ untouched), S3 refusing PUTs at every point (503, 403, 507),'
  echo 'a tmpfs store that fills up or turns read-only, SIGKILL at every point of a publish, and 2,400'
  echo 'generated bad requests to the server. Each test prints its table of cases and outcomes.'
} >"$out"
echo "wrote $out"
exit "$status"
