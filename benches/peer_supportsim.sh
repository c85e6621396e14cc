#!/usr/bin/env bash
# supportsim as a "peer" for ../shared/bench/peers/run_all.sh: the same model (100 agents, 95% load,
# exponential AHT 300 s, Erlang A patience 600 s), stopping at the N-th arrival, one replication.
# Prints one JSON line like the Python peers. Usage: peer_supportsim.sh MODEL(C|A) CUSTOMERS SEED
# Needs target/release/supportsim (cargo build --release), or SUPPORTSIM_BIN=path.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
model=$1 customers=$2 seed=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
lam_per_hour=1140  # 0.95 * 100 / 300 per second
horizon=$(python3 -c "print(round($customers / ($lam_per_hour / 3600.0), 3))")
{
  echo "name = \"peer benchmark $model\""
  echo "seed = $seed"
  echo "replications = 1"
  echo "horizon = $horizon"
  echo "interval = $horizon"
  echo "[[channels]]"
  echo "name = \"phone\""
  echo "kind = \"voice\""
  echo "arrivals = { per_hour = $lam_per_hour }"
  echo "handle_time = { dist = \"exponential\", mean = 300 }"
  [ "$model" = A ] && echo "patience = { dist = \"exponential\", mean = 600 }"
  echo "[[groups]]"
  echo "name = \"agents\""
  echo "size = 100"
  echo "skills = { phone = 1.0 }"
} > "$tmp/s.toml"
"${SUPPORTSIM_BIN:-$here/target/release/supportsim}" run "$tmp/s.toml" --format json --out "$tmp/out" > "$tmp/summary.json" 2> "$tmp/err"
python3 - "$tmp/summary.json" "$tmp/err" "$model" "$customers" "$seed" <<'PY'
import json, re, sys
s = json.load(open(sys.argv[1]))["channels"]["phone"]
sim_s = float(re.search(r"in ([0-9.]+) s", open(sys.argv[2]).read()).group(1))
m = lambda k: s[k]["mean"]
print(json.dumps({"peer": "supportsim", "model": sys.argv[3], "customers": int(sys.argv[4]), "seed": int(sys.argv[5]),
                  "sim_s": sim_s, "served": int(m("answered")), "abandoned": int(m("abandoned")),
                  "pwait": m("prob_wait"), "asa": m("asa_s"), "pab": m("abandon_rate")}))
PY
