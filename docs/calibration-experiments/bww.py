import sys; sys.path.insert(0,__import__('os').path.dirname(__file__))
from parse import load
import collections, csv, datetime
H=3600; ACW=10.3
def bww(months, acw=ACW):
    recs=load(months)
    U=[]
    for a,b in sorted((r['arr'],r['arr']+r['wait']) for r in recs if r['type']!='TT' and r['wait']>0):
        if U and a<=U[-1][1]: U[-1][1]=max(U[-1][1],b)
        else: U.append([a,b])
    ev=[]
    for r in recs:
        if r['out']=='AGENT' and r['type']!='TT': ev.append((r['start'],1)); ev.append((r['end']+acw,-1))
    ev.sort()
    pts=sorted(set([e[0] for e in ev]+[u[0] for u in U]+[u[1] for u in U]))
    bw=collections.defaultdict(float); tw=collections.defaultdict(float)
    busy=0; ei=0; ui=0
    def add(dct,a,b,w):
        while a<b:
            k=a//H; hi=(k+1)*H; e=min(b,hi); dct[k]+=w*(e-a); a=e
    for i in range(len(pts)-1):
        t=pts[i]
        while ei<len(ev) and ev[ei][0]<=t: busy+=ev[ei][1]; ei+=1
        while ui<len(U) and U[ui][1]<=t: ui+=1
        if ui<len(U) and U[ui][0]<=t<U[ui][1]:
            add(bw,t,pts[i+1],busy); add(tw,t,pts[i+1],1)
    return bw,tw
def rewrite(hist_in, hist_out, months, minshare, mode):
    bw,tw=bww(months)
    rows=list(csv.DictReader(open(hist_in)))
    w=csv.DictWriter(open(hist_out,'w'),fieldnames=rows[0].keys())
    w.writeheader()
    for x in rows:
        d=datetime.date.fromisoformat(x['date']); k=((d-datetime.date(1999,1,1)).days*86400+int(x['start'][:2])*3600)//H
        g=float(x['agents']); share=tw.get(k,0)/H
        if share>=minshare:
            e=bw[k]/tw[k]
            if mode=='min': g2=min(g,e)
            elif mode.startswith('t'): th=float(mode[1:]); g2=g-th*max(g-e,0)
            else: g2=e
            x['agents']='%.2f'%g2
        w.writerow(x)
if __name__=='__main__':
    hist_in,hist_out,months,minshare,mode=sys.argv[1],sys.argv[2],[int(c) for c in sys.argv[3].split(',')],float(sys.argv[4]),sys.argv[5]
    rewrite(hist_in,hist_out,months,minshare,mode)
