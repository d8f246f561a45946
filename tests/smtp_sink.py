#!/usr/bin/env python3
"""smtp_sink.py PORTFILE LOGDIR [--auth USER:PASS] [--reject CODE]

A small SMTP server on 127.0.0.1 for tests of the sending side: it writes
the port it listens on to PORTFILE, and for each mail received a JSON
file in LOGDIR (envelope, AUTH credentials seen, data).  With --auth it
offers AUTH PLAIN and LOGIN and refuses MAIL before a good login; with
--reject it answers RCPT with that code.  Runs until killed."""
import base64
import json
import os
import socketserver
import sys

portfile, logdir = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
auth = None
reject = None
while args:
    if args[0] == "--auth":
        auth = args[1]
        args = args[2:]
    elif args[0] == "--reject":
        reject = args[1]
        args = args[2:]
    else:
        sys.exit("unknown argument " + args[0])
count = [0]


class Handler(socketserver.StreamRequestHandler):
    def say(self, line):
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        env = {"from": None, "rcpt": [], "auth": None}
        authed = auth is None
        self.say("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").rstrip("\r\n")
            up = cmd.upper()
            if up.startswith("EHLO"):
                self.wfile.write(b"250-sink\r\n")
                if auth:
                    self.wfile.write(b"250-AUTH PLAIN LOGIN\r\n")
                self.say("250 8BITMIME")
            elif up.startswith("HELO"):
                self.say("250 sink")
            elif up.startswith("AUTH PLAIN"):
                parts = cmd.split(" ", 2)
                if len(parts) == 3:
                    blob = parts[2]
                else:
                    self.say("334 ")
                    blob = self.rfile.readline().decode().strip()
                _, user, pw = base64.b64decode(blob).decode().split("\0")
                env["auth"] = user + ":" + pw
                authed = env["auth"] == auth
                self.say("235 ok" if authed else "535 bad credentials")
            elif up.startswith("AUTH LOGIN"):
                self.say("334 VXNlcm5hbWU6")
                user = base64.b64decode(self.rfile.readline().strip()).decode()
                self.say("334 UGFzc3dvcmQ6")
                pw = base64.b64decode(self.rfile.readline().strip()).decode()
                env["auth"] = user + ":" + pw
                authed = env["auth"] == auth
                self.say("235 ok" if authed else "535 bad credentials")
            elif up.startswith("MAIL FROM:"):
                if not authed:
                    self.say("530 authentication required")
                    continue
                env["from"] = cmd[10:].strip()
                self.say("250 ok")
            elif up.startswith("RCPT TO:"):
                if reject:
                    self.say(reject + " refused")
                    continue
                env["rcpt"].append(cmd[8:].strip())
                self.say("250 ok")
            elif up == "DATA":
                self.say("354 go")
                data = b""
                while True:
                    l = self.rfile.readline()
                    if l in (b".\r\n", b".\n", b""):
                        break
                    if l.startswith(b".."):
                        l = l[1:]
                    data += l
                count[0] += 1
                env["data"] = data.decode("utf-8", "replace")
                env["crlf"] = b"\n" not in data.replace(b"\r\n", b"")
                with open(os.path.join(logdir, "mail%d.json" % count[0]), "w") as f:
                    json.dump(env, f)
                self.say("250 queued")
            elif up == "QUIT":
                self.say("221 bye")
                return
            else:
                self.say("250 ok")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
