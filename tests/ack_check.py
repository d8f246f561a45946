#!/usr/bin/env python3
"""ack_check.py MAIL GNUPGHOME - read a mail the team sent, as a reporter's
client would, with real gpg: print one JSON object.

  layout     "signed" (multipart/signed), "encrypted" (multipart/encrypted)
             or anything else as "other"
  verified   gpg --verify of the detached signature over the exact bytes of
             part 1 (RFC 3156: CRLF) succeeded (signed), or the decrypted
             message carried a good signature (encrypted)
  signer     the fingerprint gpg reported (VALIDSIG)
  micalg     the micalg parameter, and digest: the one gpg saw
  subject    the decoded Subject; text: the decoded text of the body
  header_lines  the raw header lines (unfolded count is not checked here)
"""
import email
import email.header
import email.policy
import json
import os
import re
import subprocess
import sys
import tempfile

raw = open(sys.argv[1], "rb").read()
if b"\r\n" not in raw:            # a Maildir file: LF line ends
    raw = raw.replace(b"\n", b"\r\n")
home = sys.argv[2]
out = {"layout": "other", "verified": False, "signer": None, "micalg": None,
       "digest": None, "subject": None, "text": None}


def gpg(args, data):
    p = subprocess.run(["gpg", "--homedir", home, "--batch", "--status-fd", "2",
                        "--pinentry-mode", "loopback", "--passphrase", ""] + args,
                       input=data, capture_output=True)
    status = p.stderr.decode("utf-8", "replace")
    m = re.search(r"VALIDSIG ([0-9A-F]{40}) \S+ \S+ \S+ \S+ \S+ \S+ (\d+)", status)
    good = "GOODSIG" in status and m is not None
    return p.returncode, p.stdout, good, (m.group(1) if m else None), (m.group(2) if m else None)


def body_text(msg):
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8", "replace")
    return None


head, _, _ = raw.partition(b"\r\n\r\n")
out["header_lines"] = head.decode("ascii", "replace").split("\r\n")
msg = email.message_from_bytes(raw)
out["subject"] = str(email.header.make_header(email.header.decode_header(msg.get("Subject", ""))))
ctype = msg.get_content_type()
if ctype == "multipart/signed":
    out["layout"] = "signed"
    out["micalg"] = msg.get_param("micalg")
    boundary = msg.get_param("boundary").encode()
    body = raw[len(head) + 4:]
    delim = b"--" + boundary + b"\r\n"
    start = body.index(delim) + len(delim)
    end = body.index(b"\r\n--" + boundary, start)
    signed = body[start:end]
    sig = msg.get_payload()[1].get_payload(decode=True)
    with tempfile.TemporaryDirectory() as d:
        sp, dp = os.path.join(d, "s.asc"), os.path.join(d, "d")
        open(sp, "wb").write(sig)
        open(dp, "wb").write(signed)
        rc, _, good, fpr, algo = gpg(["--verify", sp, dp], None)
    out["verified"] = rc == 0 and good
    out["signer"] = fpr
    out["digest"] = {"8": "pgp-sha256", "10": "pgp-sha512", "9": "pgp-sha384",
                     "2": "pgp-sha1"}.get(algo)
    out["text"] = body_text(email.message_from_bytes(signed))
elif ctype == "multipart/encrypted":
    out["layout"] = "encrypted"
    ct = msg.get_payload()[1].get_payload(decode=True)
    rc, plain, good, fpr, _ = gpg(["--decrypt"], ct)
    out["verified"] = rc == 0 and good
    out["signer"] = fpr
    out["decrypted"] = rc == 0
    if rc == 0:
        out["text"] = body_text(email.message_from_bytes(plain))
else:
    out["text"] = body_text(msg)
print(json.dumps(out, ensure_ascii=False))
