#!/usr/bin/env bash
# Every benchmark in one command, with the results as JSON and as docs/benchmarks.md:
#   ./bench/run.sh [scenario...] [--short]
# scenarios (default: all, in this order):
#   floor      Redis round trip (redis-benchmark) × the Redis round trips one turn makes (counted with MONITOR)
#   turns      turn overhead, open loop at fixed rates, at saturation, the max sustained rate with zero
#              errors, and a turn with one tool call beside a plain one (bench/.../TurnLoad.java)
#   pool       a tool call through the pool beside a direct stdio call (./bench/pool.sh)
#   websocket  idle WebSockets held by one gateway and per-connection memory; fan-out (./bench/websocket.sh)
#   startup    start-up time and RSS of each service, JDK 17 (./bench/startup.sh; all four JVM modes: run it alone)
# --short: the same scenarios, small (seconds each), as CI runs them; it does not rewrite docs/benchmarks.md.
# Writes bench/target/results/<scenario>.{txt,json} and, for a full run of every scenario, docs/benchmarks.md.
# Needs redis-server (and redis-benchmark), node and the MCP servers of mcp/ (cd mcp && npm ci).
# BENCH_SKIP_BUILD=1: use what is already packaged (the services' target/quarkus-app, bench/target/classpath.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
short=""
scenarios=()
for a in "$@"; do
  case $a in
    --short) short=1 ;;
    floor|turns|pool|websocket|startup) scenarios+=("$a") ;;
    *) echo "unknown scenario $a (floor turns pool websocket startup, --short)" >&2; exit 2 ;;
  esac
done
all=0
if ((${#scenarios[@]} == 0)); then scenarios=(floor turns pool websocket startup); all=1; fi
results=bench/target/results
mkdir -p "$results"
export MAVEN_ARGS="${MAVEN_ARGS:--B -q -ntp}"
started=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: ${scenarios[*]}${short:+ (short)}; $(nproc) cores, load average $load_before"
if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  # One reactor run (nothing is installed): the four services and the benches with their class path.
  ./mvnw -pl bench,gateway,session-service,agent-service,pool-service -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/classpath.txt >/dev/null
  export BENCH_SKIP_BUILD=1
  echo "bench: built in $(( $(date +%s) - started )) s"
fi
bench_java() { java -Xmx512m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "bench/target/classes:$(cat bench/target/classpath.txt)" "$@"; }

# run NAME COMMAND...: prints and keeps the scenario's output and how long it took.
declare -A took
run() {
  local name=$1; shift
  local t0; t0=$(date +%s)
  echo; echo "== $name: $*"
  "$@" 2>&1 | grep -v -e 'JBossLoggerFinder' -e 'LogManager accessed before' | tee "$results/$name.txt"
  took[$name]=$(( $(date +%s) - t0 ))
  # Scenarios that print a table only: the JSON keeps their output line by line.
  if [[ ! -f "$results/$name.json" || "$results/$name.json" -ot "$results/$name.txt" ]]; then
    python3 -c 'import json,sys; print(json.dumps({"scenario": sys.argv[1], "command": sys.argv[2], "output": open(sys.argv[3]).read().splitlines()}, indent=2))' \
      "$name" "$*" "$results/$name.txt" >"$results/$name.json"
  fi
}

for s in "${scenarios[@]}"; do
  case $s in
    floor) run floor bench_java io.nagatha.bench.FloorBench ${short:+--short} ;;
    turns) run turns bench_java io.nagatha.bench.TurnLoad ${short:+--short} ;;
    pool) if [[ -n $short ]]; then run pool ./bench/pool.sh 200 300 4; else run pool ./bench/pool.sh 2000 3000 8; fi ;;
    websocket) if [[ -n $short ]]; then run websocket ./bench/websocket.sh 500 50 20; else run websocket ./bench/websocket.sh 10000 500 200; fi ;;
    startup)
      if [[ -n $short ]]; then run startup env SERVICES=gateway MODES=jdk17 ./bench/startup.sh 1
      else run startup env MODES=jdk17 ./bench/startup.sh 1; fi ;;
  esac
done
total=$(( $(date +%s) - started ))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "bench: done in $total s; load average before $load_before, after $load_after"
for s in "${scenarios[@]}"; do echo "  $s: ${took[$s]} s"; done

if [[ -z $short && $all == 1 ]]; then
  {
    echo "# Benchmarks"
    echo
    echo "Measured with \`./bench/run.sh\` (every scenario; $total s including the build). Re-run it to measure your machine;"
    echo "\`./bench/run.sh <scenario>\` runs one. The raw results of this run are in \`bench/target/results/*.json\` when you run it."
    echo
    echo "- date: $(date -u +'%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
    echo "- software: $(java -version 2>&1 | head -n1), $(redis-server --version | cut -d' ' -f1-3), node $(node --version)"
    echo "- load average (1, 5, 15 min) before: $load_before; after: $load_after — the machine was shared with other builds, see below"
    echo "- commit: $(git rev-parse --short HEAD)"
    for s in "${scenarios[@]}"; do
      echo
      case $s in
        floor) echo "## Floor: Redis round trips per turn" ;;
        turns) echo "## Turn overhead, max sustained rate, tool-call path" ;;
        pool) echo "## Pool: a tool call through the pool vs a direct stdio call" ;;
        websocket) echo "## Idle WebSockets and fan-out (one gateway)" ;;
        startup) echo "## Start-up and memory per service (JDK 17)" ;;
      esac
      echo
      echo "\`${took[$s]} s\`"
      echo
      echo '```'
      cat "$results/$s.txt"
      echo '```'
    done
    cat <<'NOTES'

## How to read these figures

- **The floor** is what one turn costs in Redis alone: the round-trip time of this machine's Redis
  (redis-benchmark, one connection, no pipelining, p50) times the Redis commands one turn sends
  before its `turn.completed` is written, counted from Redis's `MONITOR` while one turn runs alone
  (every command naming the turn, its session, its user, the turns stream or the key store;
  commands inside a Lua script are part of its one round trip; the bookkeeping after the reply —
  usage counters, acknowledgement, lease release — and the services' background are left out).
  The services await each reply before their next step, so these happen one after another: the
  turn overhead divided by the floor says how much is Nagatha's own work (HTTP, JSON, scheduling,
  the JVM) rather than Redis.
- **Turn overhead** is from the moment a turn was *due* to be sent (open loop: a scheduler sends
  at the rate whatever the answers do) to the `200` of `POST …/messages?wait=60`, which the gateway
  answers when it has seen `turn.completed`; the fake model streams its fixed reply at once, so
  this is all Nagatha. Fixed rates below the maximum show the latency a user sees; saturation
  (64 turns always in flight, closed loop) shows the throughput ceiling; "max sustained" is the
  highest rate of the search with zero errors, ≥ 95 % of the rate achieved and p99 under 1 s.
- **Tool-call turn** is the same turn with one `echo` call through the pool (model → tool call →
  pool → server-everything → model → reply), one at a time, beside the plain turn.
- Every service, the load generator, Redis and the MCP server share the same cores: on a
  2-core machine the client's own CPU is part of what is measured, and figures taken while other
  work runs (see the load average above) are upper bounds.
NOTES
  } >docs/benchmarks.md
  echo "bench: wrote docs/benchmarks.md"
fi
