"""Ingest of two Cairn jars, paired: 8 clients x runs/log-batch of 1,000 points on SQLite for N seconds each.
Usage: python3 bench/ingest_pair.py OLD.jar NEW.jar [seconds] [pairs]
Prints points/s per run. The client is Python on the same machine, so compare pairs, not absolutes."""
import http.client, json, sys, threading, time, subprocess, tempfile, re, os


def measure(jar, secs, threads=8):
    d=tempfile.mkdtemp()
    p=subprocess.Popen(["java","-jar",jar,"server","--port","0","--data-dir",d],stdout=subprocess.PIPE,stderr=subprocess.STDOUT,text=True)
    port=None
    for line in p.stdout:
        m=re.search(r"Tracking URI: http://127.0.0.1:(\d+)",line)
        if m: port=int(m.group(1)); break
    threading.Thread(target=lambda: [None for _ in p.stdout], daemon=True).start()
    def call(c, path, body):
        c.request("POST", path, body=body, headers={"Content-Type":"application/json"})
        r=c.getresponse(); data=r.read(); assert r.status==200, data; return json.loads(data)
    c=http.client.HTTPConnection("127.0.0.1",port)
    exp=call(c,"/api/2.0/mlflow/experiments/create",json.dumps({"name":"ingest"}))["experiment_id"]
    count=[0]*threads; stop=[False]
    def worker(i):
        c=http.client.HTTPConnection("127.0.0.1",port)
        run=call(c,"/api/2.0/mlflow/runs/create",json.dumps({"experiment_id":exp,"start_time":1}))["run"]["info"]["run_id"]
        step=0
        while not stop[0]:
            body=json.dumps({"run_id":run,"metrics":[{"key":"m%d"%(k%10),"value":k*0.5,"timestamp":1,"step":step+k//10} for k in range(1000)]})
            call(c,"/api/2.0/mlflow/runs/log-batch",body); step+=100; count[i]+=1000
    ts=[threading.Thread(target=worker,args=(i,)) for i in range(threads)]
    [t.start() for t in ts]; time.sleep(2); base=sum(count); t0=time.time(); time.sleep(secs); n=sum(count)-base; dt=time.time()-t0
    stop[0]=True; [t.join() for t in ts]
    rate = n / dt
    p.terminate(); p.wait()
    return rate


if __name__ == "__main__":
    old, new = sys.argv[1], sys.argv[2]
    secs = float(sys.argv[3]) if len(sys.argv) > 3 else 10
    for _ in range(int(sys.argv[4]) if len(sys.argv) > 4 else 2):
        for name, jar in (("old", old), ("new", new)):
            print("%s: %.0f points/s" % (name, measure(jar, secs)), flush=True)
