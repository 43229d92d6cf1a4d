import sys,statistics as st,re
lines=open(sys.argv[1]).read().split('\n')
names={}; raw={}
for l in lines:
    m=re.match(r'(.{20,}?)\s+median',l)
for l in lines:
    if l.startswith('RAW'):
        p=l.split(); raw[int(p[1])]=[float(x) for x in p[2:]]
med=[l for l in lines if 'median' in l]
nm=[l.split('median')[0].strip() for l in med]
def r(a,b): return st.median([x/y for x,y in zip(raw[a],raw[b])])
for kind,base in (('counts',0),('ROW',9)):
    print(kind)
    for i in range(9):
        print('  %-26s median %.3f G/s   paired ratio to old-stream 4K: %.2f'%(nm[base+i], st.median(raw[base+i]), r(base+i,base)))
    print('  new/old stream THP %.2f, THP/4K new-stream %.2f, THP/4K plain %.2f, new-stream/plain THP %.2f, +2K/THP new-stream %.2f plain %.2f'%(
        r(base+4,base+3), r(base+4,base+1), r(base+5,base+2), r(base+4,base+5), r(base+7,base+4), r(base+8,base+5)))
