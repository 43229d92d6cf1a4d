#!/bin/bash
# usage: ab.sh OUT ROUNDS VARIANTS GRID STEPS name=bin...
out=$1; rounds=$2; vars=$3; grid=$4; steps=$5; shift 5
mkdir -p $out; cfgs=("$@"); n=${#cfgs[@]}
for r in $(seq 1 $rounds); do
  for i in $(seq 0 $((n-1))); do
    c=${cfgs[$(( (i + r) % n ))]}; name=${c%%=*}; bin=${c#*=}
    load=$(cut -d' ' -f1 /proc/loadavg)
    $bin run --variant $vars --grid $grid --steps $steps --threads 2 --reps 3 --warmup 1 --land-fraction 0.5 \
      --target-noise 0 --quiet --no-plots --out $out/$name-r$r > $out/$name-r$r.log 2>&1 || echo "FAIL $name $r"
    echo "$name r$r load $load" >> $out/log
  done
done
python3 - "$out" <<'PY'
import csv,glob,sys,statistics as st,collections
d=collections.defaultdict(list)
for f in sorted(glob.glob(sys.argv[1]+'/*-r*/timings.csv')):
    name=f.split('/')[-2].rsplit('-r',1)[0]
    rows=[r for r in csv.DictReader(open(f)) if r['status']=='ok']
    by=collections.defaultdict(list)
    for r in rows: by[(r['variant'],r['nz'])].append(r)
    for k,rs in by.items():
        g=st.median(float(r['cell_updates_per_s']) for r in rs); cp=float(rs[0]['copy_gbps'])
        d[(k,name)].append((g/1e9, g*8/1e9/cp))
for k in sorted(d):
    print(k, ' '.join('%.2fG(%.0f%%)'%(g,100*f) for g,f in d[k]))
PY
