#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/ from the repository's scenarios, the scenario texts inlined in
tests/*.rs, and small calibration logs. Run from the repository root: python3 fuzz/seeds.py
Seeds are named seed-<sha1 prefix>; minimized crashers (crash-*) are added by hand and kept."""
import glob, hashlib, os, re

def put(target, data):
    d = os.path.join("fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

scenarios = sorted(glob.glob("scenarios/*.toml") + glob.glob("scenarios/walkthrough/*.toml"))
texts = [open(p, "rb").read() for p in scenarios]
for p in sorted(glob.glob("tests/*.rs")):
    for m in re.finditer(r'r#"(.*?)"#', open(p).read(), re.S):
        t = m.group(1)
        if "[[channels]]" in t and "name" in t:
            texts.append(t.encode())
for t in texts:
    put("scenario_check", t)
    put("scenario_run", t)

bank = open("tests/calibrate.rs").read().split('const BANK: &str = "', 1)[1].split('";', 1)[0]
put("calibration_logs", b"\x00\x00" + bank.encode())
with open("/work/shared/data/anonymous_bank_1999/1999-01.txt", "rb") if os.path.exists(
        "/work/shared/data/anonymous_bank_1999/1999-01.txt") else open(os.devnull, "rb") as f:
    lines = f.read().split(b"\n")[:40]
    if len(lines) > 1:
        put("calibration_logs", b"\x00\x00" + b"\n".join(lines) + b"\n")
header = b"arrival,queue_entry,answer,end,outcome,agent,channel,customer,priority\n"
put("calibration_logs", b"\x01\x00" + header +
    b"2026-03-02T08:00:00.000,,2026-03-02T08:00:00.000,2026-03-02T08:03:00.000,answered,agents-1,phone,c1,regular\n"
    b"2026-03-02T08:01:00.000,,2026-03-02T08:01:00.000\n"
    b"2026-03-02T08:02:00.000,2026-03-02T08:02:00.000,,2026-03-02T08:04:00.000,abandoned,,phone,c4,regular\n"
    b"2026-03-02T08:05:00.000,2026-03-02T08:05:00.000,2026-03-02T08:06:00.000,2026-03-02T08:08:00.000,answered,agents-2,email,c8,high\n")
put("calibration_logs", b"\x01\x05" + b"arrival;answer;end;outcome;agent\n"
    b"1772438400;1772438400;1772438580;answered;a\n1e15;1e15;1000000000000180;answered;a\n"
    b"1772438500;;1772438580;abandoned;\n")
put("calibration_logs", b"\x01\x0a" + b"arrival\tanswer\tend\toutcome\n"
    b"02/03/2026 08:00:00\t02/03/2026 08:00:10\t02/03/2026 08:04:00\tanswered\n"
    b"02/03/2026 08:01:00\t\t02/03/2026 08:02:00\tabandoned\n")
put("calibration_logs", b"\x02\x01" +
    b"date,start,offered,agents,answered,abandoned,asa_s,prob_wait,service_level\n"
    b"2026-05-04,08:00,90,8,85,5,12.5,0.4,0.7\n2026-05-04,10:00,110,8.5,100,10,30,0.6,0.5\n"
    b"2026-05-05,09:00,100,8,,,,,\n")
put("calibration_logs", b"\x02\x00" + b"date,start,offered,agents\n2026-05-04,08:00,10,3\n"
    b"2026-05-32,09:00,10,3\n2026-05-04,08:15,10,-3\n")
put("calibration_logs", b"\x03\x00" + b"%d/%m/%Y %H:%M:%S\niso\nunix\narrival=CallStart,answer=Answered\n"
    b"HANDLED=answered,GONE=abandoned\n%q\n")
