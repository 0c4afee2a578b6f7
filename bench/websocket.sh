#!/usr/bin/env bash
# WebSockets on one gateway replica: holds 10,000 idle connections and prints the gateway's RSS and
# heap before and after, and per connection; then the fan-out latency of events to 500 active
# clients of one session (p50/p90/p99/p99.9/max).
#   ./bench/websocket.sh [idle connections, default 10000] [active clients, default 500] [events, default 200]
# Needs redis-server and a file-descriptor limit above the idle count (raised here up to the hard limit).
set -euo pipefail
cd "$(dirname "$0")/.."
idle="${1:-10000}"
want=$((idle + 2000))
hard="$(ulimit -Hn)"
if [[ "$hard" != unlimited && "$hard" -lt "$want" ]]; then
  echo "websocket bench: needs $want file descriptors, the hard limit is $hard (raise it, or pass a smaller count)" >&2
  exit 1
fi
ulimit -n "$want"
export MAVEN_ARGS="${MAVEN_ARGS:--B -q -ntp}"
# One reactor run (nothing is installed): package the gateway and session-service, write the bench's class path.
[[ -n "${BENCH_SKIP_BUILD:-}" ]] || ./mvnw -pl bench,gateway,session-service -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/classpath.txt >/dev/null
exec java -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dnagatha.root="$PWD" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.nagatha.bench.WebSocketBench "$@"
