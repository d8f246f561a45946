#!/usr/bin/env python3
"""gen_bad.py OUTDIR - write hostile and broken messages for it_badinput.sh.

Each file is NAME.eml; NAME.flag holds the flag the gateway must raise
("-" when the message is fine and must simply be read), NAME.text a
string the stored report text must contain ("-" for none)."""
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
H = "From: reporter@example.net\r\nTo: csirt@example.org\r\nSubject: {s}\r\nMIME-Version: 1.0\r\n"


def write(name, data, flag, text="-"):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(out, name + ".eml"), "wb") as f:
        f.write(data)
    with open(os.path.join(out, name + ".flag"), "w") as f:
        f.write(flag)
    with open(os.path.join(out, name + ".text"), "w", encoding="utf-8") as f:
        f.write(text)


write("missing_boundary", H.format(s="missing boundary") +
      'Content-Type: multipart/mixed; boundary="zzz"\r\n\r\n'
      "--yyy\r\nContent-Type: text/plain\r\n\r\nlost boundary text\r\n--yyy--\r\n",
      "boundary-missing", "lost boundary text")
write("unterminated", H.format(s="unterminated") +
      'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
      "--b1\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n"
      "--b1\r\nContent-Type: application/octet-stream\r\n"
      "Content-Disposition: attachment; filename=log.bin\r\n\r\nrunning to the end\r\n",
      "unterminated-multipart", "first part")
write("no_boundary_param", H.format(s="no boundary") +
      "Content-Type: multipart/mixed\r\n\r\nplain words in a boundaryless multipart\r\n",
      "multipart-without-boundary", "plain words")
write("bad_base64", H.format(s="bad base64") +
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      "SGVsbG8g*&^%d29y\r\nbGQ=\r\n=====\r\n",
      "bad-base64", "Hello")
write("bad_qp", H.format(s="bad qp") +
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
      "caf=C3=A9 and a lone =ZZ and =4\r\n",
      "bad-quoted-printable", "café and a lone =ZZ")
write("no_content_type",
      b"From: reporter@example.net\r\nSubject: no content type\r\n\r\n"
      + "不正アクセスの報告です。サーバが侵害されました。\r\n".encode("iso-2022-jp"),
      "no-content-type", "不正アクセスの報告です")
write("no_content_type_sjis",
      b"From: reporter@example.net\r\nSubject: sjis\r\n\r\n"
      + "不正アクセスの報告です。サーバが侵害されました。\r\n".encode("cp932"),
      "charset-guessed", "不正アクセスの報告です")
write("lf_only", (H.format(s="lf only") +
      'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
      "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nunix line ends\r\n"
      "--b\r\nContent-Type: text/plain; name=a.txt\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nattached\r\n"
      "--b--\r\n").replace("\r\n", "\n"), "-", "unix line ends")
write("mixed_eol", (H.format(s="mixed eol") + "Content-Type: text/plain\r\n\r\n"
      "line one\r\nline two\nline three\r\n"), "mixed-line-endings", "line three")
write("cr_only", (H.format(s="classic mac") + "Content-Type: text/plain\r\n\r\n"
      "carriage returns only\r\nsecond line\r\n").replace("\r\n", "\r"),
      "cr-line-endings", "carriage returns only")
write("nul_bytes", H.format(s="nul bytes") + "Content-Type: text/plain\r\n\r\n"
      "before\x00after\r\n", "nul-bytes", "after")
write("no_headers", "This is just a report with no headers at all.\r\n"
      "Host 192.0.2.7 scans us.\r\n", "no-headers", "192.0.2.7")
write("empty", b"", "no-body")

parts = [H.format(s="five thousand parts"), 'Content-Type: multipart/mixed; boundary="p"\r\n\r\n']
parts.append("--p\r\nContent-Type: text/plain\r\n\r\nthe report itself\r\n")
for i in range(5000):
    parts.append("--p\r\nContent-Type: application/octet-stream\r\n"
                 "Content-Disposition: attachment; filename=f%d.bin\r\n\r\npart %d\r\n" % (i, i))
parts.append("--p--\r\n")
write("parts5000", "".join(parts), "too-many-parts", "the report itself")


def nest(depth, subject):
    s = [H.format(s=subject)]
    for i in range(depth):
        s.append('Content-Type: multipart/mixed; boundary="n%d"\r\n\r\n--n%d\r\n' % (i, i))
    s.append("Content-Type: text/plain\r\n\r\ndeep inside\r\n")
    for i in reversed(range(depth)):
        s.append("--n%d--\r\n" % i)
    return "".join(s)


write("nest300", nest(300, "nested 300"), "mime-too-deep")
write("nest20000", nest(20000, "nested 20000"), "mime-too-deep")
write("nest30", nest(30, "nested 30"), "-", "deep inside")
write("header300k", "From: reporter@example.net\r\nSubject: " + "A" * 300000 +
      "\r\nX-Long: " + "b " * 150000 + "\r\n\r\nbody after a long header\r\n",
      "header-truncated", "body after a long header")
write("headers5000", "From: reporter@example.net\r\nSubject: many headers\r\n" +
      "".join("X-H%d: v\r\n" % i for i in range(5000)) + "\r\nbody\r\n",
      "too-many-headers", "body")
write("bad_charset", H.format(s="=?x-bogus?Q?caf=C3=A9?=") +
      "Content-Type: text/plain; charset=x-bogus\r\n\r\n"
      + "caf\u00e9 in utf-8 under a bogus label\r\n", "unknown-charset", "café")
write("html_only", H.format(s="html only") +
      "Content-Type: text/html; charset=utf-8\r\n\r\n"
      "<html><head><style>p{color:red}</style><script>alert('x')</script></head>"
      "<body><p>Phishing at <a href=\"http://evil.example/login\">your bank</a></p></body></html>\r\n",
      "-", "Phishing at your bank")
