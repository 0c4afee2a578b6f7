#!/usr/bin/env bash
# Faults against a local stack with two replicas of every service, each ending in assertions:
#   ./chaos/run.sh [--short] [fault...]
# faults: agent-kill pool-kill gateway-kill session-service-kill redis-restart mcp-kill soak (default: all).
# --short runs each with fewer repetitions and a 45 s soak instead of 10 minutes (CI runs it).
# Prints per fault what was checked and PASS/FAIL, writes chaos/target/chaos-{full,short}.json,
# exits 1 when anything failed or when a process of the run is left behind.
# Needs redis-server, node and the MCP servers of mcp/ (cd mcp && npm ci); builds what it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export MAVEN_ARGS="${MAVEN_ARGS:--B -q -ntp}"
# CHAOS_SKIP_BUILD=1: use what is already packaged (the services' target/quarkus-app, chaos/target/classpath.txt).
if [[ -z "${CHAOS_SKIP_BUILD:-}" ]]; then
  # One reactor run (nothing is installed): package the four services, write the harness's class path.
  ./mvnw -pl chaos,gateway,session-service,agent-service,pool-service -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/classpath.txt >/dev/null
fi
# This run's directory (logs, Redis's AOF): its name marks every process of the run.
work=$(mktemp -d /tmp/nagatha-chaos-XXXXXXXX)
status=0
java -Xmx768m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dnagatha.chaos.work="$work" \
  -cp "chaos/target/classes:$(cat chaos/target/classpath.txt)" io.nagatha.chaos.Chaos "$@" || status=$?
# The harness checks for leftovers itself; this is the outside view, after its JVM is gone too:
# the run's services and redis-server (their command lines name $work) and this worktree's MCP servers.
left=$(ps -eo pid,args | grep -v grep | grep -E -- "$(basename "$work")|$root/mcp/node_modules" | grep -v "chaos/run.sh" || true)
if [[ -n "$left" ]]; then
  echo "chaos: FAIL — processes left behind:"; echo "$left"
  # Leave the machine clean for the next run: these are ours (marked with this run's option or this worktree's MCP path).
  awk '{print $1}' <<<"$left" | xargs -r kill -9 2>/dev/null || true
  exit 1
fi
echo "chaos: no process left behind"
exit "$status"
