import sys; sys.path.insert(0,__import__('os').path.dirname(__file__))
from parse import load
import collections, bisect
recs=load([1,2,3,4]); G=600; ACW=10.3
by=collections.defaultdict(list)
for r in recs:
    if r['out']=='AGENT' and r['agent'] and r['agent']!='NO_SERVER': by[r['agent']].append((r['start'],r['end'],r['type']))
# for each agent: spells (on duty) and services sorted
spells={}; serv={}
for a,l in by.items():
    l.sort(); serv[a]=l
    sp=[]; 
    for s,e,_ in l:
        if sp and s-sp[-1][1]<G: sp[-1][1]=max(sp[-1][1],e)
        else: sp.append([s,e])
    spells[a]=sp
mix={a:collections.Counter(t for _,_,t in l) for a,l in serv.items()}
starts={a:[x[0] for x in spells[a]] for a in spells}
sstarts={a:[x[0] for x in serv[a]] for a in serv}
def on_idle(a,t):
    i=bisect.bisect_right(starts[a],t)-1
    if i<0 or spells[a][i][1]<t: return False
    j=bisect.bisect_right(sstarts[a],t)-1
    if j>=0 and serv[a][j][1]+ACW>t: return False
    return True
cnt=collections.Counter(); tot=collections.Counter(); serves_type=collections.Counter()
import random; random.seed(1)
q=[r for r in recs if r['type']!='TT' and r['queued'] and r['wait']>=5]
for r in random.sample(q,20000):
    t=r['arr']+2
    idle=[a for a in spells if on_idle(a,t)]
    tot[r['type']]+=1
    if idle: cnt[r['type']]+=1
    if any(mix[a][r['type']]/max(sum(mix[a].values()),1)>0.05 for a in idle): serves_type[r['type']]+=1
for k in tot: print(k,tot[k],'idle agent on duty: %.2f'%(cnt[k]/tot[k]),'idle agent who serves the type (>5%%): %.2f'%(serves_type[k]/tot[k]))
