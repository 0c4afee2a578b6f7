#!/usr/bin/env bash
# Tool-call latency through the pool beside a direct stdio call: p50/p90/p99 and calls/s,
# sequential and at concurrency 8 and 32.
#   ./bench/pool.sh [calls per row, default 2000] [warm-up calls, default 3000] [pool connections, default 8]
# Needs redis-server, node and the MCP servers of mcp/ (cd mcp && npm ci); builds what it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export MAVEN_ARGS="${MAVEN_ARGS:--B -q -ntp}"
# One reactor run (nothing is installed): package the pool, write each module's class path.
[[ -n "${BENCH_SKIP_BUILD:-}" ]] || ./mvnw -pl bench,pool-service -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/classpath.txt >/dev/null
exec java -Xmx512m -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.nagatha.bench.PoolBench "$@"
