#!/usr/bin/env python3
"""smtp_submit.py PORT FROM RCPT FILE - send FILE by SMTP to 127.0.0.1:PORT.

FROM may be empty (the null sender, as bounces use); RCPT may be several
addresses separated by commas, for one transaction.  Line ends become
CRLF: smtplib sends bytes as they are, and bare LF is not SMTP.  Exits 0
when the server accepted the message, 1 with the server's answer on stderr
otherwise.
"""
import re
import smtplib
import sys


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip().splitlines()[0])
    port, sender, rcpt, path = sys.argv[1:]
    with open(path, "rb") as f:
        data = re.sub(rb"\r?\n", b"\r\n", f.read())
    try:
        with smtplib.SMTP("127.0.0.1", int(port), "client.test",
                          timeout=30) as s:
            refused = s.sendmail(sender, rcpt.split(","), data)
    except (smtplib.SMTPException, OSError) as e:
        print("smtp_submit: %s" % e, file=sys.stderr)
        return 1
    if refused:
        print("smtp_submit: refused: %r" % refused, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
