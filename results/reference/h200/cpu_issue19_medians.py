"""Medians of cpu_issue19.sh's run folders: per build, variant and tuning, G cell updates/s
and the fraction of the in-run copy. Usage: python3 cpu_issue19_medians.py OUT"""
import collections
import csv
import glob
import os
import statistics
import sys

rates, fracs = collections.defaultdict(list), collections.defaultdict(list)
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*-r*", "timings.csv"))):
    build = os.path.basename(os.path.dirname(path)).rsplit("-r", 1)[0]
    for row in csv.DictReader(open(path)):
        if row["status"] != "ok":
            continue
        key = (row["variant"], row["tuning"], build)
        rates[key].append(float(row["cell_updates_per_s"]) / 1e9)
        fracs[key].append(float(row["roofline_fraction"]))
for key in sorted(rates):
    print("%-14s %-10s %-4s G/s %6.2f  of copy %4.0f %%  (n %d)" % (
        *key, statistics.median(rates[key]), 100 * statistics.median(fracs[key]), len(rates[key])))
