#!/bin/bash
out=$1; rounds=$2; shift 2
mkdir -p $out; cfgs=("$@"); n=${#cfgs[@]}
for r in $(seq 1 $rounds); do
  for i in $(seq 0 $((n-1))); do
    c=${cfgs[$(( (i + r) % n ))]}; name=${c%%=*}; bin=${c#*=}
    load=$(cut -d' ' -f1 /proc/loadavg)
    mpirun --allow-run-as-root --oversubscribe -n 2 $bin run --variant mpi --ranks 2 --grid 256,512 --threads 1 --steps 12 \
      --reps 3 --warmup 1 --land-fraction 0.5 --target-noise 0 --quiet --no-plots --out $out/$name-r$r > $out/$name-r$r.log 2>&1 || echo "FAIL $name $r"
    echo "$name r$r load $load" >> $out/log
  done
done
