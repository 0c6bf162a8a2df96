# Helpers for scripts/bench.d/*: sourced, not run.

# bench_compare LABEL BUDGET_RATIO BASELINE_CMD CANDIDATE_CMD [hyperfine options…]
# Times both commands in one hyperfine run and prints their medians and candidate/baseline.
# BUDGET_RATIO may be "-" for no budget. Returns 1 when the ratio is over budget.
bench_compare() {
  local label="$1" budget="$2" baseline="$3" candidate="$4"
  shift 4
  local json
  json="$(mktemp)"
  hyperfine --style none --export-json "$json" "$@" -n baseline "$baseline" -n candidate "$candidate" >/dev/null
  python3 - "$json" "$label" "$budget" "$baseline" "$candidate" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
label, budget, base_cmd, cand_cmd = sys.argv[2:6]
base, cand = (r["median"] * 1000 for r in data["results"])
ratio = cand / base
print(f"{label}")
print(f"  baseline   {base:9.1f} ms  {base_cmd}")
print(f"  candidate  {cand:9.1f} ms  {cand_cmd}")
verdict = ""
if budget != "-":
    verdict = "  (budget ≤ %.2f×: %s)" % (float(budget), "OK" if ratio <= float(budget) else "OVER")
print(f"  ratio      {ratio:9.3f} ×{verdict}")
sys.exit(1 if budget != "-" and ratio > float(budget) else 0)
PY
  local status=$?
  rm -f "$json"
  return $status
}
