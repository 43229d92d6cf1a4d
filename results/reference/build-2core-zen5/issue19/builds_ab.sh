#!/bin/bash
# A/B rounds: each config is "name|env|binary"; rounds rotate the order.
out=$1; rounds=$2; shift 2
mkdir -p $out
cfgs=("$@")
n=${#cfgs[@]}
for r in $(seq 1 $rounds); do
  for i in $(seq 0 $((n-1))); do
    c=${cfgs[$(( (i + r) % n ))]}
    IFS='|' read -r name envs bin <<< "$c"
    load=$(cut -d' ' -f1 /proc/loadavg)
    env $envs $bin run --variant openmp,openmp_counts,openmp_fused,tiled --grid 256 --steps 10 --threads 2 --reps 3 \
      --tuning "stream=0|stream=-1" --quiet --no-plots --out $out/$name-r$r > /dev/null 2>&1 || echo "FAIL $name $r"
    echo "$name r$r load $load" >> $out/log
  done
done
