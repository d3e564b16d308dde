#!/usr/bin/env bash
# Events per second through the standalone router — wrk → HTTP ingress → in-memory bus → trigger → HTTP sink →
# function — side by side with wrk calling the same function directly, and with the JDK HttpClient (what the HTTP
# sink sends with) calling it alone. Everything on 127.0.0.1; wrk, the router and
# the function are separate processes. Results: docs/benchmarks.md § Standalone router.
#
#   mvn -B -q -DskipTests -pl events-server -am package      # builds events-server/target/switchboard-server.jar
#   bash events-server/bench/run.sh [runs] [seconds] [threads] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${1:-3}
SECONDS_PER_RUN=${2:-20}
THREADS=${3:-2}
CONNECTIONS=${4:-32}
FUNCTION_PORT=19100
INGRESS_PORT=19181
ADMIN_PORT=19465
JAR=events-server/target/switchboard-server.jar
SCRIPT=events-server/bench/post-event.lua
LOGS=$(mktemp -d)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

[ -f "$JAR" ] || { echo "build the router first: mvn -B -q -DskipTests -pl events-server -am package" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install -y wrk)" >&2; exit 1; }

wait_http() {
  for _ in $(seq 1 300); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    sleep 0.1
  done
  echo "no answer from $1" >&2; exit 1
}
count() { curl -s "http://127.0.0.1:$FUNCTION_PORT/count"; }

# one wrk run; prints "accepted/s delivered/s non-2xx"
measure() {
  local url=$1 before after out
  before=$(count)
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$SCRIPT" "$url")
  after=$(count)
  echo "$out" >> "$LOGS/wrk.txt"
  local line; line=$(echo "$out" | grep '^requests ')
  local requests non2xx duration
  requests=$(echo "$line" | sed -E 's/^requests ([0-9]+),.*/\1/')
  non2xx=$(echo "$line" | sed -E 's/.*non-2xx ([0-9]+),.*/\1/')
  duration=$(echo "$line" | sed -E 's/.*duration ([0-9.]+) s.*/\1/')
  awk -v r="$requests" -v n="$non2xx" -v d="$duration" -v b="$before" -v a="$after" \
    'BEGIN { printf "%.0f %.0f %d\n", (r - n) / d, (a - b) / d, n }'
}

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
java -Dsun.net.httpserver.nodelay=true events-server/bench/Function.java "$FUNCTION_PORT" > "$LOGS/function.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$FUNCTION_PORT/count"

echo "direct: wrk → function (warm-up ${SECONDS_PER_RUN}s, then $RUNS runs)"
measure "http://127.0.0.1:$FUNCTION_PORT/" > /dev/null
for i in $(seq 1 "$RUNS"); do
  read -r accepted delivered non2xx < <(measure "http://127.0.0.1:$FUNCTION_PORT/")
  echo "  run $i: $accepted requests/s answered 200 by the function (non-2xx $non2xx)"
done

echo "client: the JDK HttpClient alone → function, $CONNECTIONS requests in flight (the HTTP sink's ceiling; $RUNS runs)"
for i in $(seq 1 "$RUNS"); do
  echo "  run $i: $(java events-server/bench/HttpClientOnly.java "http://127.0.0.1:$FUNCTION_PORT/" "$CONNECTIONS" \
    "$SECONDS_PER_RUN" | sed -E 's/.* ([0-9]+) req\/s.*/\1 requests\/s answered 200 by the function/')"
done

INGRESS_PORT=$INGRESS_PORT FUNCTION_URL="http://127.0.0.1:$FUNCTION_PORT/" \
  java -jar "$JAR" --admin-port "$ADMIN_PORT" events-server/bench/router.yaml > "$LOGS/router.out" 2> "$LOGS/router.err" &
router=$!
pids+=($router)
wait_http "http://127.0.0.1:$ADMIN_PORT/health"

echo "router: wrk → ingress → bus → trigger → HTTP sink → function (warm-up ${SECONDS_PER_RUN}s, then $RUNS runs)"
measure "http://127.0.0.1:$INGRESS_PORT/" > /dev/null
for i in $(seq 1 "$RUNS"); do
  sleep 2 # let the previous run's backlog reach the function, so each run counts its own deliveries
  read -r accepted delivered non2xx < <(measure "http://127.0.0.1:$INGRESS_PORT/")
  echo "  run $i: $accepted events/s accepted (202), $delivered events/s delivered to the function (non-2xx $non2xx)"
done

kill -TERM "$router"
status=0; wait "$router" || status=$?
echo "router exit status $status; $(grep -h 'drained' "$LOGS/router.err" | tail -1 | sed 's/^.*INFO Router - //')"
echo "function answered $(count) requests in all; logs in $LOGS"
