import collections, datetime
import os
D=os.environ.get('BANK', '../shared/data/anonymous_bank_1999')+'/'
def clk(s):
    h,m,x=s.split(':'); return int(h)*3600+int(m)*60+int(x)
def load(months):
    recs=[]
    for m in months:
        with open(D+'1999-0%d.txt'%m) as f:
            next(f)
            for line in f:
                p=line.rstrip('\n').split('\t')
                if len(p)<17 or p[12]=='PHANTOM': continue
                try:
                    d=datetime.date(1999,int(p[5][2:4]),int(p[5][4:6]))
                except: continue
                day=(d-datetime.date(1999,1,1)).days*86400
                ve=clk(p[6])
                def ab(s):
                    t=clk(s)
                    if t<ve-3600: t+=86400
                    return day+t
                queued=p[9]!='0:00:00'
                out=p[12]; typ=p[4]
                if out=='HANG' and not queued: continue
                r=dict(type=typ,prio=p[3],out=out,agent=p[16] if out=='AGENT' else None,queued=queued)
                if out=='AGENT':
                    ss=ab(p[13]); r['start']=ss; r['end']=ss+int(p[15])
                    r['arr']=ab(p[9]) if queued else ss
                    r['wait']=int(p[11]) if queued else 0
                else:
                    r['arr']=ab(p[9]); r['wait']=int(p[11])
                recs.append(r)
    return recs
