#!/usr/bin/env python3
"""http_sink.py --port-file FILE --dir DIR [--status CODE[,CODE...]]

A small HTTP server on 127.0.0.1 for tests of the webhook side: it
listens on a free port and writes that port to FILE.  Each POST's body
goes to DIR/NNNN.json and its request headers to DIR/NNNN.headers (NNNN
counts from 0001; both written through a .tmp file and a rename, headers
first, so a .json file that exists is complete).  The answer is the next
code of --status, the last one repeating (default 200), with a short
text body.  Exits after 120 s without a request, or on SIGTERM."""
import argparse
import http.server
import os
import signal
import sys
import threading
import time

IDLE = 120


def write_atomic(path, data):
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.rename(path + ".tmp", path)


ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--dir", required=True)
ap.add_argument("--status", default="200")
opt = ap.parse_args()
try:
    statuses = [int(c) for c in opt.status.split(",")]
except ValueError:
    sys.exit("http_sink: bad --status " + opt.status)
if any(c < 100 or c > 599 for c in statuses):
    sys.exit("http_sink: --status codes are 100..599")

lock = threading.Lock()
state = {"count": 0, "last": time.monotonic()}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, code):
        body = ("%d\n" % code).encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        with lock:
            state["count"] += 1
            state["last"] = time.monotonic()
            i = state["count"]
            code = statuses[min(i, len(statuses)) - 1]
            base = os.path.join(opt.dir, "%04d" % i)
            write_atomic(base + ".headers", str(self.headers).encode())
            write_atomic(base + ".json", body)
        self.answer(code)

    def do_GET(self):
        with lock:
            state["last"] = time.monotonic()
        self.answer(405)


class Server(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)


def stop(signum, frame):
    # shutdown() waits for serve_forever, so not from its own thread
    threading.Thread(target=srv.shutdown).start()


def idle_watch():
    while True:
        time.sleep(1)
        with lock:
            idle = time.monotonic() - state["last"]
        if idle > IDLE:
            srv.shutdown()
            return


signal.signal(signal.SIGTERM, stop)
threading.Thread(target=idle_watch, daemon=True).start()
write_atomic(opt.port_file, str(srv.server_address[1]).encode())
srv.serve_forever()
srv.server_close()
