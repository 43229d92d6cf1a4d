#!/usr/bin/env bash
# Issue 12, the GPU's state: a tiny GPU study (cuda_shared, 128^3 and 256^3, 10 steps, 5
# repetitions, pinned) on the H200 host, then the NVML readings it recorded: the GPU state line
# of the run, timings.csv's v4 columns per row, machine.json's gpu and state.gpu, and checks
# (PASS/FAIL lines; the exit status is the number of FAILs). About 20 s.
#
# Build here (the Debian build machine), with CUDA, and bundle:
#   cmake -B build-gpu -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="80;86;90"
#   cmake --build build-gpu -j2
#   ../shared/gpu/bundle.sh build-gpu/stencilbench
# then on the GPU host, from the repository root:
#   source .device/env.sh && bash results/reference/h200/nvml_check.sh "$OUT"
# Output: everything below in OUT/nvml_check.txt (and on stdout), the run folder in OUT/run.
set -u
out=${1:?usage: nvml_check.sh OUT}
mkdir -p "$out" || exit 2
exec > >(tee "$out/nvml_check.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
sb=$(command -v stencilbench) || { echo "nvml_check: no stencilbench on PATH (source .device/env.sh)"; exit 2; }
fails=0
check() { # name, then a command that succeeds when the check passes
    local name=$1
    shift
    if "$@"; then echo "PASS $name"; else echo "FAIL $name"; fails=$((fails + 1)); fi
}

echo "nvml_check: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname)"
echo "== nvidia-smi (for comparison)"
nvidia-smi --query-gpu=name,driver_version,pci.bus_id,clocks.sm,clocks.max.sm,clocks.mem,clocks.max.mem,temperature.gpu,power.draw,power.limit,clocks_event_reasons.active \
    --format=csv 2>&1 || nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw,power.limit --format=csv
echo "libnvidia-ml: $( (ldconfig -p 2>/dev/null | grep -m1 'libnvidia-ml.so.1') || echo 'not in ldconfig')"

echo "== stencilbench run"
rm -rf "$out/run"
timeout 180 "$sb" run --variant cuda_shared --grid 128,256 --steps 10 --reps 5 --warmup 1 \
    --host-memory pinned --no-plots --out "$out/run" >"$out/run.log" 2>&1
rc=$?
grep -E '^GPU state|^\[[0-9]+/[0-9]+\]|THROTTLED|SM clock fell|^- the GPU' "$out/run.log"
echo "rc=$rc"
check "the run exits 0" test "$rc" -eq 0
check "the run prints the GPU state from NVML" grep -q '^GPU state (NVML, driver ' "$out/run.log"

echo "== timings.csv: the GPU state per row (v4 columns)"
csv=$out/run/timings.csv
awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
              printf "%-12s %5s %3s  %-s\n", "variant", "nx", "rep",
                     "sm_before mem_before temp_before power_before throttle_before | sm_after mem_after temp_after power_after throttle_after"
              next }
    { printf "%-12s %5s %3s  %s %s %s %s %s | %s %s %s %s %s\n", $col["variant"], $col["nx"], $col["rep"],
             $col["gpu_sm_mhz_before"], $col["gpu_mem_mhz_before"], $col["gpu_temp_c_before"],
             $col["gpu_power_w_before"], $col["gpu_throttle_before"], $col["gpu_sm_mhz_after"],
             $col["gpu_mem_mhz_after"], $col["gpu_temp_c_after"], $col["gpu_power_w_after"],
             $col["gpu_throttle_after"] }' "$csv"
check "schema version 4 header" grep -q '^schema_version,.*,gpu_sm_mhz_before,.*,gpu_throttle_after$' "$csv"
# every ok row: ten readings, numbers where numbers go, throttle words from the schema's list
check "every ok row has all ten GPU readings" awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $col["status"] != "ok" { next }
    { n++
      split("gpu_sm_mhz_before gpu_mem_mhz_before gpu_temp_c_before gpu_power_w_before gpu_sm_mhz_after gpu_mem_mhz_after gpu_temp_c_after gpu_power_w_after", nums, " ")
      for (k in nums) if ($col[nums[k]] !~ /^[0-9.]+([eE][-+]?[0-9]+)?$/ || $col[nums[k]] + 0 <= 0) { print "  row " NR ": " nums[k] " = \"" $col[nums[k]] "\""; bad = 1 }
      for (w = 0; w < 2; w++) {
          t = $col[w ? "gpu_throttle_after" : "gpu_throttle_before"]
          if (t !~ /^(none|(gpu_idle|app_clocks|sw_power_cap|hw_slowdown|sync_boost|sw_thermal|hw_thermal|hw_power_brake|display_clocks|0x[0-9a-f]+)(\|(gpu_idle|app_clocks|sw_power_cap|hw_slowdown|sync_boost|sw_thermal|hw_thermal|hw_power_brake|display_clocks|0x[0-9a-f]+))*)$/) { print "  row " NR ": throttle \"" t "\""; bad = 1 }
      } }
    END { if (n < 10) { print "  " n " ok rows, want 10"; bad = 1 }; exit bad }' "$csv"

echo "== machine.json: gpu (CUDA) and state.gpu (NVML)"
json=$out/run/machine.json
if command -v python3 >/dev/null; then
    python3 - "$json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps({"gpu": d.get("gpu"), "state.gpu": d.get("state", {}).get("gpu")}, indent=1))
PY
    check "state.gpu: NVML read the CUDA device by its bus id, with its facts" python3 - "$json" <<'PY'
import json, math, sys
g = json.load(open(sys.argv[1]))["state"]["gpu"]
ok = (g["nvml"] is True and g["why"] is None and g["matched_by"] == "pci_bus_id" and "H200" in g["name"]
      and g["driver_version"] and g["max_sm_mhz"] > 0 and g["max_mem_mhz"] > 0 and g["power_limit_w"] > 0
      and all(g[k] and g[k]["sm_mhz"] > 0 and g[k]["throttle"] for k in ("before", "after")))
sys.exit(0 if ok else 1)
PY
else
    sed -n '/"gpu":/,/^\t}/p' "$json"
    check "state.gpu: nvml true" grep -q '"nvml":[[:space:]]*true' "$json"
fi
echo "nvml_check: $fails failed"
exit "$fails"
