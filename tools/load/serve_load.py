#!/usr/bin/env python3
"""A bounded load test of `wirematch serve`: concurrent query clients plus one adder.

    wirematch serve DIR --listen 127.0.0.1:8080 &
    tools/load/serve_load.py --url http://127.0.0.1:8080 --articles HELD_OUT.jsonl \
        [--clients 8] [--seconds 60] [--add-every 1.0] [--add-size 20] [--json]

HELD_OUT.jsonl holds articles the index does not store. Each query client posts one of
them at a time (cycling through the first half, each client from its own offset) on a
kept-alive connection, as a newsroom system asking "is this wire copy?" per arriving
article. The adder posts --add-size articles of the second half to /documents, starts the
next addition --add-every seconds after the previous one started (or at once, when one
took longer: additions commit one at a time), and stops when the time is up or the
articles run out. Nothing is retried: every answer other than 200 is counted as an error
by status. Prints throughput, latency percentiles (client side, milliseconds) and the
server's /stats at the end.
"""

import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse


def connect(url):
    u = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(u.hostname, u.port or 80, timeout=600)


def post(conn, path, body):
    conn.request("POST", path, body=body, headers={"Content-Type": "application/x-ndjson"})
    r = conn.getresponse()
    data = r.read()
    return r.status, data


def attempt(conn, url, path, body):
    """One POST; a broken connection is an answer too (its status names the exception),
    and the next request goes on a new connection. Returns (connection, status, body)."""
    try:
        status, data = post(conn, path, body)
        return conn, status, data
    except (OSError, http.client.HTTPException) as e:
        conn.close()
        return connect(url), f"connection: {type(e).__name__}", b""


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, round((len(sorted_values) - 1) * q))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True)
    ap.add_argument("--articles", required=True)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--add-every", type=float, default=1.0, help="0 disables additions")
    ap.add_argument("--add-size", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.clients < 1 or a.seconds <= 0 or a.add_size < 1:
        sys.exit("--clients, --seconds and --add-size must be positive")

    lines = [l for l in open(a.articles, encoding="utf-8") if l.strip()]
    half = len(lines) // 2
    queries, additions = lines[:half], lines[half:]
    if not queries:
        sys.exit(f"{a.articles}: no articles")

    deadline = time.monotonic() + a.seconds
    lock = threading.Lock()
    q_lat, q_status, pairs = [], {}, [0]
    add_lat, add_status, added = [], {}, [0]

    def query_client(k):
        conn = connect(a.url)
        i = k * 7919
        while time.monotonic() < deadline:
            body = queries[i % len(queries)].encode()
            i += 1
            t = time.monotonic()
            conn, status, data = attempt(conn, a.url, "/query", body)
            ms = (time.monotonic() - t) * 1e3
            with lock:
                q_status[status] = q_status.get(status, 0) + 1
                if status == 200:
                    q_lat.append(ms)
                    pairs[0] += data.count(b"\n")

    def adder():
        conn = connect(a.url)
        next_start, j = time.monotonic(), 0
        while time.monotonic() < deadline and j + a.add_size <= len(additions):
            time.sleep(max(0.0, next_start - time.monotonic()))
            if time.monotonic() >= deadline:
                break
            next_start = time.monotonic() + a.add_every
            body = "".join(additions[j:j + a.add_size]).encode()
            j += a.add_size
            t = time.monotonic()
            conn, status, data = attempt(conn, a.url, "/documents", body)
            with lock:
                add_status[status] = add_status.get(status, 0) + 1
                if status == 200:
                    add_lat.append((time.monotonic() - t) * 1e3)
                    added[0] += json.loads(data)["added"]

    threads = [threading.Thread(target=query_client, args=(k,)) for k in range(a.clients)]
    if a.add_every > 0:
        threads.append(threading.Thread(target=adder))
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start

    conn = connect(a.url)
    conn.request("GET", "/stats")
    stats = json.loads(conn.getresponse().read())
    q_lat.sort()
    add_lat.sort()
    errors = sum(n for s, n in q_status.items() if s != 200) + sum(n for s, n in add_status.items() if s != 200)
    result = {
        "seconds": round(elapsed, 1),
        "clients": a.clients,
        "queries_ok": len(q_lat),
        "queries_per_second": round(len(q_lat) / elapsed, 1),
        "query_ms": {q: round(percentile(q_lat, v), 1) if q_lat else None
                     for q, v in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0))},
        "query_status": {str(k): v for k, v in q_status.items()},
        "pairs_reported": pairs[0],
        "additions_ok": len(add_lat),
        "documents_added": added[0],
        "addition_ms": {q: round(percentile(add_lat, v)) if add_lat else None
                        for q, v in (("p50", 0.5), ("max", 1.0))},
        "addition_status": {str(k): v for k, v in add_status.items()},
        "errors": errors,
        "server": stats,
    }
    if a.json:
        print(json.dumps(result, indent=1))
        return
    print(f"{elapsed:.1f} s, {a.clients} query clients: {len(q_lat)} queries answered "
          f"({result['queries_per_second']}/s), latency ms p50 {result['query_ms']['p50']} "
          f"p90 {result['query_ms']['p90']} p99 {result['query_ms']['p99']} max {result['query_ms']['max']}")
    print(f"additions: {len(add_lat)} committed, {added[0]} documents, ms p50 "
          f"{result['addition_ms']['p50']} max {result['addition_ms']['max']}")
    print(f"answers: queries {result['query_status']}, additions {result['addition_status']}; errors {errors}")
    print(f"server: generation {stats['index']['generation']}, {stats['index']['documents']} documents, "
          f"{stats['index']['paragraphs']} paragraphs")


if __name__ == "__main__":
    main()
