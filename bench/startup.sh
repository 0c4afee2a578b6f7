#!/usr/bin/env bash
# Start-up time and memory of each packaged service in JVM mode, four ways:
#   jdk17            the default JDK (what the Java 17 images run)
#   jdk17+appcds     the same with an AppCDS archive made by one training run (-XX:ArchiveClassesAtExit)
#   jdk25            Temurin 25
#   jdk25+aot        Temurin 25 with the JDK 25 AOT cache made by one training run (-XX:AOTCacheOutput)
# For each: Quarkus's "started in", the wall time from exec until /q/health/ready answers 200 (the
# moment Kubernetes would send traffic), and the RSS once ready and after 50 requests. Median of
# RUNS runs (default 3) on a real redis-server.
#   ./bench/startup.sh [runs]          # needs the jars: ./mvnw package -DskipTests
# Env: JDK25 (default /usr/lib/jvm/temurin-25-jdk-amd64), SERVICES (default all four), MODES (default all four
# above; ./bench/run.sh measures jdk17 only, to stay within its time).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs=${1:-3}
jdk17=$(command -v java)
jdk25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
services=${SERVICES:-"gateway session-service pool-service agent-service"}
modes=${MODES:-"jdk17 jdk17+appcds jdk25 jdk25+aot"}
work=$(mktemp -d)
redis_port=$((20000 + RANDOM % 10000))
http_port=$((redis_port + 1))
trap 'redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

redis-server --port "$redis_port" --save '' --appendonly no --daemonize yes --dir "$work" >/dev/null
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done

for s in $services; do
  [[ -f "$s/target/quarkus-app/quarkus-run.jar" ]] || { echo "no $s/target/quarkus-app: ./mvnw package -DskipTests" >&2; exit 1; }
done

now_ms() { date +%s%3N; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# run_once JAVA LOG [jvm options...] -> prints "started_s ready_ms rss_ready_mb rss_after_mb"; leaves the
# process stopped with SIGTERM (so an AppCDS/AOT training run writes its archive).
run_once() {
  local java=$1 log=$2 s=$3; shift 3
  local t0 pid ready rss1 rss2 started
  t0=$(now_ms)
  NAGATHA_REDIS_URL="redis://127.0.0.1:$redis_port" QUARKUS_HTTP_PORT=$http_port \
    NAGATHA_IDENTITIES_ADMIN_KEY="nag_admin_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')" \
    "$java" "$@" -jar "$root/$s/target/quarkus-app/quarkus-run.jar" >"$log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$http_port/q/health/ready"; do
    kill -0 "$pid" 2>/dev/null || { echo "$s died, see $log" >&2; cat "$log" >&2; exit 1; }
    sleep 0.02
  done
  ready=$(($(now_ms) - t0))
  rss1=$(rss_mb "$pid")
  for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$http_port/q/health/ready"; done
  curl -fs -o /dev/null "http://127.0.0.1:$http_port/q/metrics"
  rss2=$(rss_mb "$pid")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  started=$(grep -o 'started in [0-9.]*s' "$log" | grep -o '[0-9.]*' | head -n1)
  echo "$started $ready $rss1 $rss2"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '| service | mode | started in (Quarkus) | exec → ready | RSS ready | RSS after 50 requests |\n'
printf '| --- | --- | --- | --- | --- | --- |\n'
for s in $services; do
  cds="$work/$s.jsa"; aot="$work/$s.aot"
  if [[ " $modes " == *" jdk17+appcds "* ]]; then
    run_once "$jdk17" "$work/train-cds.log" "$s" -XX:ArchiveClassesAtExit="$cds" >/dev/null
    [[ -f "$cds" ]] || { echo "the training run of $s wrote no AppCDS archive" >&2; exit 1; }
  fi
  if [[ " $modes " == *" jdk25+aot "* ]]; then
    run_once "$jdk25" "$work/train-aot.log" "$s" -XX:AOTCacheOutput="$aot" >/dev/null
    [[ -f "$aot" ]] || { echo "the training run of $s wrote no AOT cache" >&2; exit 1; }
  fi
  for mode in $modes; do
    case $mode in
      jdk17) args=("$jdk17") ;;
      jdk17+appcds) args=("$jdk17" -XX:SharedArchiveFile="$cds") ;;
      jdk25) args=("$jdk25") ;;
      jdk25+aot) args=("$jdk25" -XX:AOTCache="$aot") ;;
    esac
    : >"$work/rows"
    for _ in $(seq "$runs"); do
      run_once "${args[0]}" "$work/run.log" "$s" "${args[@]:1}" >>"$work/rows"
    done
    printf '| %s | %s | %s s | %s ms | %s MB | %s MB |\n' "$s" "$mode" \
      "$(cut -d' ' -f1 "$work/rows" | median)" "$(cut -d' ' -f2 "$work/rows" | median)" \
      "$(cut -d' ' -f3 "$work/rows" | median)" "$(cut -d' ' -f4 "$work/rows" | median)"
  done
done
echo
echo "runs per row: $runs (median); $(nproc) cores, load average at the end: $(cut -d" " -f1-3 /proc/loadavg); $("$jdk17" -version 2>&1 | head -n1)"
if [[ " $modes " == *" jdk25"* ]]; then
  echo "$("$jdk25" -version 2>&1 | head -n1); AppCDS archive / AOT cache size: $(du -h "$work"/*.jsa 2>/dev/null | head -n1 | cut -f1) / $(du -h "$work"/*.aot 2>/dev/null | head -n1 | cut -f1) (last service)"
fi
