#!/usr/bin/env bash
# Runs every benchmark in docs/BENCHMARKS.md on this machine and writes the results into it (one to two hours on two
# quiet cores). Each command is also usable alone; the file shows them.
#   scripts/bench.sh               everything; every load REPEAT (default 3) times, best reported; every engine measure
#                                  and the embedded engine against llama-server ROUNDS (default 10) times, each round
#                                  beside llama.cpp's tool or server (6 or more give the median ratio a 95% interval)
#   REPEAT=1 ROUNDS=1 scripts/bench.sh   once: quicker, noisier
#   SOAK_MINUTES=2 scripts/bench.sh   a shorter soak at the end (default 10 minutes; 0 leaves it out)
# The load generator only ever talks to the server this script starts on 127.0.0.1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
repeat="${REPEAT:-3}"
rounds="${ROUNDS:-10}"
docs="docs/BENCHMARKS.md"
work="$(mktemp -d)"
server=""
cleanup() {
  if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A fixed path, so the command lines recorded in the docs are the ones to type.
model=/tmp/openmaas-bench/random-llama-bench.gguf
mkdir -p "$(dirname "$model")"
./maas bench make-model "$model"

# llama.cpp's own llama-bench and llama-batched-bench of the same release as the reference column (built once, about
# ten minutes on two cores)
tools="$(scripts/llama-cpp.sh tools)"
./maas bench engine --model "$model" --concurrency 8 --repeat "$rounds" --llama-tools "$tools" --write "$docs"
# The same shape with Llama 3's real tokenizer (128 256 tokens, from llama.cpp's source): what a real vocabulary costs
vocab_model=/tmp/openmaas-bench/random-llama-bench-llama3-vocab.gguf
./maas bench make-model "$vocab_model" --tokenizer-of "$(scripts/llama-cpp.sh source)/models/ggml-vocab-llama-bpe.gguf"
./maas bench engine --model "$vocab_model" --concurrency 8 --repeat "$rounds" --llama-tools "$tools" --write "$docs"
stories="../shared/models/stories260K.gguf"
if [[ -f "$stories" ]]; then
  ./maas bench engine --model "$stories" --repeat "$rounds" --llama-tools "$tools" --write "$docs"
fi
# Both models behind HTTP on OpenMaaS's embedded engine and on llama-server, the same cold-prompt load in turns:
# one stream on one slot, then 8 on 8 (issue 13's HTTP targets), ROUNDS rounds
for m in "$model" "$vocab_model"; do
  ./maas bench gateway --openmaas embedded --llama-tools "$tools" --model "$m" --slots 1 --clients 1 --requests 16 \
    --rounds "$rounds" --write "$docs"
  ./maas bench gateway --openmaas embedded --llama-tools "$tools" --model "$m" --slots 8 --clients 8 --requests 48 \
    --rounds "$rounds" --write "$docs"
done

# The same model behind HTTP, 512 tokens per sequence like the engine runs above: first with one slot, the engine
# configuration of the single-stream run, so the two differ only by HTTP; then with 8 slots.
export MAAS_BOOTSTRAP_CLOUD_ACCOUNT=123456789012 MAAS_BOOTSTRAP_CLIENT_ID=bench MAAS_BOOTSTRAP_CLIENT_SECRET="bench-$RANDOM-$RANDOM-secret"
serve() { # serve PRODUCT SLOTS [MODEL]: starts the server in the background, sets $server, MAAS_BASE_URL, MAAS_AUTH_URL
  cat > "$work/catalog.yaml" <<YAML
products:
  - product_name: $1
    model: ${3:-$model}
    context_length: 512
    slots: $2
YAML
  rm -rf "$work/data"
  ./maas serve --host 127.0.0.1 --port 0 --catalog "$work/catalog.yaml" --data-dir "$work/data" > "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 120); do
    grep -q "OpenMaaS is serving" "$work/server.log" && break
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 1
  done
  local port
  port="$(sed -n 's/.*is serving .* on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/server.log")"
  [[ -n "$port" ]] || { echo "bench.sh: the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
  # Both URLs: a token endpoint in the user's `maas login` config file would otherwise win over the derived one.
  export MAAS_BASE_URL="http://127.0.0.1:$port/v1/maas" MAAS_AUTH_URL="http://127.0.0.1:$port/oauth2/token"
}
stop() {
  kill "$server"; wait "$server" || true; server=""
}
export MAAS_CLIENT_ID="$MAAS_BOOTSTRAP_CLIENT_ID" MAAS_CLIENT_SECRET="$MAAS_BOOTSTRAP_CLIENT_SECRET" \
  MAAS_CLOUD_ACCOUNT="$MAAS_BOOTSTRAP_CLOUD_ACCOUNT"

serve maas-model-bench-1-slot 1
./maas bench serve --clients 1 --requests 16 --repeat "$repeat" --pid "$server" --write "$docs"
stop

serve maas-model-bench 8
# One stream over the whole prompt set: the unloaded TTFT the loaded runs' prompts are compared with.
./maas bench serve --clients 1 --requests 32 --repeat "$repeat" --pid "$server" --write "$docs"
# 8 streams in steady state: clients spread over about one loaded request's duration (64 tokens at ~12 tok/s each).
./maas bench serve --clients 8 --requests 48 --ramp-up 5 --repeat "$repeat" --pid "$server" --write "$docs"
# 8 clients at once: every wave a burst of 8 simultaneous prompts.
./maas bench serve --clients 8 --requests 32 --repeat "$repeat" --pid "$server" --write "$docs"
stop

# The same steady load on the OpenAI route (/v1/completions): OpenMaaS's own, then llama.cpp's llama-server with the same
# model and slots. The generator, the prompts and the token counting are the same, only the server differs.
if [[ -f "$stories" ]]; then
  serve maas-model-stories260k 8 "$(realpath "$stories")"
  OPENAI_API_KEY="$(curl -sf -u "$MAAS_CLIENT_ID:$MAAS_CLIENT_SECRET" -d grant_type=client_credentials "$MAAS_AUTH_URL" \
    | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')" \
    ./maas bench serve --api openai --base-url "${MAAS_BASE_URL%/maas}" --clients 8 --requests 48 --ramp-up 5 \
    --repeat "$repeat" --pid "$server" --write "$docs"
  stop
  tools="$(scripts/llama-cpp.sh tools)" # built once, about 10 minutes the first time
  "$tools/llama-server" -m "$(realpath "$stories")" --host 127.0.0.1 --port 0 -np 8 -c $((8 * 512)) \
    > "$work/llama-server.log" 2>&1 &
  server=$!
  for _ in $(seq 120); do
    grep -q "listening on" "$work/llama-server.log" && break
    kill -0 "$server" 2>/dev/null || { cat "$work/llama-server.log" >&2; exit 1; }
    sleep 1
  done
  llama_url="$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/llama-server.log")"
  ./maas bench serve --api openai --base-url "$llama_url" --clients 8 --requests 48 --ramp-up 5 --repeat "$repeat" \
    --pid "$server" --write "$docs"
  stop
  # The gateway's cost (issue 12): the same load straight at a llama-server and through an OpenMaaS in front of it,
  # the two taking turns; the command starts and stops both servers itself. Its runs take 3 s each, and the machine's
  # drift within seconds moves a median over few rounds: three times the rounds.
  ./maas bench gateway --llama-tools "$tools" --model "$stories" --clients 8 --requests 96 --rounds "$((3 * repeat))" \
    --write "$docs"
  # and on a real vocabulary, where llama-server's work per token depends on what the gateway asks of it
  ./maas bench gateway --llama-tools "$tools" --model "$vocab_model" --clients 8 --requests 16 --max-new-tokens 32 \
    --rounds "$repeat" --warmup-runs 12 --write "$docs"
fi

# How many admissions and settlements one PostgreSQL carries for 1, 2 and 4 instances (docs/SCALING.md): on
# $MAAS_BENCH_DB, else a database maas_bench on the local server (created when missing); left out when none answers.
bench_db="${MAAS_BENCH_DB:-jdbc:postgresql://127.0.0.1:5432/maas_bench?user=postgres}"
if [[ -n "${MAAS_BENCH_DB:-}" ]] || { command -v psql >/dev/null && psql -h 127.0.0.1 -U postgres -Atc "SELECT 1" >/dev/null 2>&1; }; then
  if [[ -z "${MAAS_BENCH_DB:-}" ]] && ! psql -h 127.0.0.1 -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'maas_bench'" | grep -q 1; then
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE maas_bench"
  fi
  ./maas bench store --db "$bench_db" --repeat "$repeat" --write "$docs"
  ./maas bench store --db "$bench_db" --clients 1 --repeat "$repeat" --write "$docs"
else
  echo "bench.sh: no PostgreSQL answers on 127.0.0.1:5432 (and MAAS_BENCH_DB is not set): bench store left out" >&2
fi

# The soak: what a long-running server's resident memory does under a day's mix of requests, with the launcher's
# default heap. 4 clients go round a MaaS stream, a whole result, an OpenAI completion and a catalog read on the real
# tiny model for SOAK_MINUTES; the report has the RSS after the warm-up and at the end.
soak_minutes="${SOAK_MINUTES:-10}"
if [[ -f "$stories" && "$soak_minutes" != 0 ]]; then
  serve maas-model-stories260k 4 "$(realpath "$stories")"
  ./maas bench serve --clients 4 --mixed --requests 10000000 --duration $((soak_minutes * 60)) --pid "$server" \
    --write "$docs"
  stop
fi
