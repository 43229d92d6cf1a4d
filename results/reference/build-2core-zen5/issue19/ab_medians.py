import csv,glob,sys,statistics as st,collections
d=collections.defaultdict(list)
for f in sorted(glob.glob(sys.argv[1]+'/*-r*/timings.csv')):
    name=f.split('/')[-2].rsplit('-r',1)[0]
    rows=[r for r in csv.DictReader(open(f)) if r['status']=='ok']
    by=collections.defaultdict(list)
    for r in rows: by[(r['variant'],r['nz'],r['tuning'])].append(r)
    for k,rs in by.items():
        g=st.median(float(r['cell_updates_per_s']) for r in rs); cp=float(rs[0]['copy_gbps'])
        d[(k,name)].append((g/1e9, g*8/1e9/cp, cp))
for k in sorted(d):
    print(k, ' '.join('%.2fG(%.0f%%,%.0f)'%(g,100*f,c) for g,f,c in d[k]))
