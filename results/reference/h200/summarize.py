#!/usr/bin/env python3
"""Medians per point of the run folders a device call wrote (call8_profile.sh, call9.sh,
call12.sh, call13.sh): G cell updates/s with their range, the fraction of the in-run copy
(8 bytes a cell update; for temporal blocking also its multiple of the single-sweep limit),
us a step, the largest difference from naive, the tuning.
    python3 summarize.py RUN_DIR/timings.csv ...   (folders named ncu_* or san_* are skipped)"""
import csv
import statistics
import sys

pts = {}
for f in sys.argv[1:]:
    if "/ncu_" in f or "/san_" in f:
        continue
    for r in csv.DictReader(open(f)):
        key = (f'{r["nz"]}x{r["ny"]}x{r["nx"]}', r.get("land_fraction", ""), r["timesteps"],
               r["variant"], r["tuning"])
        pts.setdefault(key, []).append(r)
for key in sorted(pts):
    rs = [r for r in pts[key] if r["status"] == "ok"]
    if not rs:
        print(key, "NOT OK:", pts[key][0]["status"][:200])
        continue
    rate = [float(r["cell_updates_per_s"]) for r in rs]
    copy = statistics.median(float(r["copy_gbps"]) for r in rs)
    us = statistics.median(float(r["compute_s"]) for r in rs) / int(key[2]) * 1e6
    m = statistics.median(rate)
    err = max(float(r.get("max_abs_err") or 0) for r in rs)
    print(f"{key[0]:>11} land {key[1]:>4} {key[3]:12} {m / 1e9:7.1f} G/s "
          f"[{min(rate) / 1e9:.1f}-{max(rate) / 1e9:.1f}] n={len(rs):2} {m * 8 / 1e9 / copy * 100:5.1f}% of "
          f"copy ({m * 8 / 1e9 / copy:.2f}x the single-sweep limit) {copy:.0f} GB/s {us:8.2f} us/step "
          f"err {err:g}  {key[4]}")
