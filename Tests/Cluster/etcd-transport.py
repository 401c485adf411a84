#!/usr/bin/env python3
# Usage: python3 -m venv /tmp/etcdpy && /tmp/etcdpy/bin/pip install etcd3 "protobuf<4" grpcio
#        etcd --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 &
#        /tmp/etcdpy/bin/python Tests/Cluster/etcd-transport.py 2379 1000
# Same-run comparison of etcd's two client transports from one language (Python): gRPC (python-etcd3) and the v3 JSON
# gateway (HTTP/1.1 keep-alive, what Firebell uses). Sequential compare-and-swap transactions: median and p99 latency.
import base64, http.client, json, statistics, sys, time
import etcd3

port = int(sys.argv[1]); n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
grpc = etcd3.client(host="127.0.0.1", port=port)
conn = http.client.HTTPConnection("127.0.0.1", port)
b64 = lambda s: base64.b64encode(s.encode()).decode()
value = json.dumps({"actor": "carol", "at": "2026-12-02T15:00:00Z", "event": {"notePosted": {"text": "pool exhausted"}}, "schema": 1, "sequence": 1})

def via_grpc(i):
    key = f"/cmp/g/{i:020d}"
    grpc.transaction(compare=[grpc.transactions.create(key) == 0], success=[grpc.transactions.put(key, value)], failure=[])

def via_gateway(i):
    key = f"/cmp/h/{i:020d}"
    body = json.dumps({"compare": [{"target": "CREATE", "key": b64(key), "create_revision": "0"}],
                       "success": [{"request_put": {"key": b64(key), "value": b64(value)}}], "failure": []})
    conn.request("POST", "/v3/kv/txn", body, {"Content-Type": "application/json"})
    r = conn.getresponse(); r.read(); assert r.status == 200

def measure(f, offset):
    samples = []
    for i in range(n):
        t = time.perf_counter(); f(offset + i); samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.99 * len(samples)) - 1]

rows = []
for run in range(3):
    g = measure(via_grpc, run * n); h = measure(via_gateway, run * n)
    rows.append((g, h))
    print(f"run {run+1}: gRPC median {g[0]:.3f} ms p99 {g[1]:.3f} ms | gateway median {h[0]:.3f} ms p99 {h[1]:.3f} ms | gateway/gRPC {h[0]/g[0]:.2f}x")
