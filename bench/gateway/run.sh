#!/usr/bin/env bash
# Gateway overhead benchmark: the same load, in the same run, straight to a mock OpenAI upstream
# ("direct") and through Holdfast — and through a bare YARP proxy and the Portkey gateway when
# ../shared/bench/setup-peers.sh has set them up in /tmp/peers.
#
#   bench/gateway/run.sh                      # defaults: LOADS="chat-c1 chat-c64 stream-c1 stream-c64" DURATION=10 REPEAT=3
#   LOADS="chat-c64" DURATION=5 REPEAT=1 bench/gateway/run.sh
#
# Placement on the 2-core machine: wrk and the mock share core 0; the gateway under test has core 1
# to itself, so its req/s at 64 clients is the throughput of one core. Targets run interleaved,
# round after round; every cell is the median over rounds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LOADS=${LOADS:-"chat-c1 chat-c64 stream-c1 stream-c64"}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
REPEAT=${REPEAT:-3}
PEERS_DIR=${PEERS_DIR:-/tmp/peers}
out=${OUT:-/tmp/holdfast-bench}
mock_port=${MOCK_PORT:-18090}; holdfast_port=${HOLDFAST_PORT:-18093}; yarp_port=${YARP_PORT:-18091}; portkey_port=${PORTKEY_PORT:-18792}
# FEATURES=on: the key has rpm/tpm/concurrency limits (never reached) and the route has a fallback
# target, retries, a deadline and per-target limits, so the measured path includes all of them.
FEATURES=${FEATURES:-off}

if ! command -v wrk >/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq && $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq wrk >/dev/null
fi

echo "building…" >&2
rm -rf "$out"; mkdir -p "$out/data"
dotnet publish "$root/bench/MockUpstream" -c Release -o "$out/mock" -nologo -v q >/dev/null
dotnet publish "$root/src/Holdfast" -c Release -o "$out/holdfast" -nologo -v q >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_port() { for _ in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; return 1; }

MOCK_URLS=http://127.0.0.1:$mock_port taskset -c 0 "$out/mock/MockUpstream" >"$out/mock.log" 2>&1 & pids+=($!)
wait_port $mock_port

cat >"$out/holdfast.yaml" <<YAML
providers:
  - name: mock
    type: openai-compatible
    base_url: http://127.0.0.1:$mock_port/v1
    api_key: sk-bench
routes:
  - name: bench
    targets:
      - provider: mock
        model: gpt-4o-mini
YAML
if [ "$FEATURES" = on ]; then
  cat >>"$out/holdfast.yaml" <<YAML
        max_concurrent: 100000
        rpm: 100000000
      - provider: mock
        model: gpt-4o-mini-fallback
    retry: { attempts: 3 }
    timeouts: { connect: 2s, first_byte: 30s, total: 5m }
    deadline: 10m
YAML
fi
cat >>"$out/holdfast.yaml" <<YAML
prices:
  gpt-4o-mini: { input: 0.15, output: 0.60 }
YAML
limits=(); [ "$FEATURES" = on ] && limits=(--rpm 100000000 --tpm 2000000000 --concurrency 100000)
key=$("$out/holdfast/holdfast" keys create --name bench "${limits[@]}" --config "$out/holdfast.yaml" --data "$out/data" --json | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
# The same gateway with a hard budget on the key: every request also reserves and settles.
budget_key=$("$out/holdfast/holdfast" keys create --name bench-budget --budget 1000000/month --config "$out/holdfast.yaml" --data "$out/data" --json | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
taskset -c 1 "$out/holdfast/holdfast" serve --config "$out/holdfast.yaml" --data "$out/data" --urls http://127.0.0.1:$holdfast_port >"$out/holdfast.log" 2>&1 & pids+=($!)
wait_port $holdfast_port

targets=("direct|http://127.0.0.1:$mock_port|" "holdfast|http://127.0.0.1:$holdfast_port|Authorization: Bearer $key"
  "holdfast-budget|http://127.0.0.1:$holdfast_port|Authorization: Bearer $budget_key")
if [ -x "$PEERS_DIR/yarp/YarpPeer" ]; then
  YARP_URLS=http://127.0.0.1:$yarp_port YARP_UPSTREAM=http://127.0.0.1:$mock_port/ taskset -c 1 "$PEERS_DIR/yarp/YarpPeer" >"$out/yarp.log" 2>&1 & pids+=($!)
  wait_port $yarp_port && targets+=("yarp|http://127.0.0.1:$yarp_port|")
fi
portkey="$PEERS_DIR/portkey-pinned/node_modules/@portkey-ai/gateway/build/start-server.loopback.js"
if [ -f "$portkey" ]; then
  NODE_ENV=production taskset -c 1 node "$portkey" --port=$portkey_port --headless >"$out/portkey.log" 2>&1 & pids+=($!)
  wait_port $portkey_port && targets+=("portkey|http://127.0.0.1:$portkey_port|x-portkey-provider: openai|x-portkey-custom-host: http://127.0.0.1:$mock_port/v1")
fi

run_wrk() { # target-spec load seconds → RESULT line
  local spec=$1 load=$2 seconds=$3
  IFS='|' read -r -a parts <<<"$spec"
  local url=${parts[1]} headers=()
  for h in "${parts[@]:2}"; do [ -n "$h" ] && headers+=(-H "$h"); done
  local body=chat.json conns=1 threads=1
  case $load in stream-*) body=chat-stream.json ;; esac
  case $load in *-c64) conns=64; threads=2 ;; *-c256) conns=256; threads=2 ;; esac
  BODY="$here/bodies/$body" taskset -c 0 wrk -t$threads -c$conns -d${seconds}s --latency -s "$here/post.lua" "${headers[@]}" "$url/v1/chat/completions" | grep '^RESULT'
}

raw="$out/raw.txt"; : >"$raw"
for load in $LOADS; do
  for spec in "${targets[@]}"; do run_wrk "$spec" "$load" "$WARMUP" >/dev/null; done
done
for round in $(seq 1 "$REPEAT"); do
  n=${#targets[@]}
  for load in $LOADS; do
    for i in $(seq 0 $((n - 1))); do
      spec=${targets[$(( (i + round) % n ))]}
      name=${spec%%|*}
      echo "round $round $load $name" >&2
      echo "$name $load $(run_wrk "$spec" "$load" "$DURATION")" >>"$raw"
    done
  done
done

echo
echo "Gateway overhead — $(date -u +%Y-%m-%dT%H:%MZ), DURATION=${DURATION}s REPEAT=$REPEAT (medians), $(nproc) cores"
echo "raw: $raw"
awk -f "$here/summarize.awk" "$raw"
echo
echo "Holdfast RSS after the run: $(( $(awk '/VmRSS/{print $2}' /proc/${pids[1]}/status) / 1024 )) MB"
