#!/usr/bin/env bash
# Turns end to end through the gateway: turns/s and end-to-end p50/p99, and the overhead Nagatha
# adds on top of the model (a fake that answers at once), with 1, 8 and 32 concurrent sessions.
#   ./bench/turns.sh [turns per row, default 400] [warm-up turns, default 300] [agent replicas, default 1]
# Needs redis-server; builds what it runs (gateway, session-service, agent-service).
set -euo pipefail
cd "$(dirname "$0")/.."
export MAVEN_ARGS="${MAVEN_ARGS:--B -q -ntp}"
# One reactor run (nothing is installed): package the services, write the bench's class path.
[[ -n "${BENCH_SKIP_BUILD:-}" ]] || ./mvnw -pl bench,gateway,session-service,agent-service -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/classpath.txt >/dev/null
exec java -Xmx512m -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.nagatha.bench.TurnBench "$@"
