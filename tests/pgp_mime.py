#!/usr/bin/env python3
"""pgp_mime.py - MIME plumbing for tests/pgp_fixtures.sh (stdlib only).

gpg makes every signature and ciphertext; this script only wraps what gpg
wrote into MIME, byte for byte, and checks the result afterwards.  It never
signs or encrypts by itself, so the fixtures are what real tools produce.

Subcommands (each writes to stdout; line ends are LF, as an MTA pipe
delivers them):

  part [--type T] [--param K=V].. [--cte C] [--disposition D]
       [--filename F] [--description D] [--header 'N: V'].. FILE
        one leaf MIME entity (headers, blank line, body) holding FILE;
        C is 7bit (default), 8bit, base64 or quoted-printable
  multipart --subtype S [--param K=V].. ENTITY..
        a multipart entity of the given entities, each kept exactly as is
        (so a signed entity stays verifiable); the boundary is derived
        from the content, so the output is reproducible
  message --from A [--to A] --subject S --date D --msgid ID
          [--header 'N: V'].. ENTITY
        a complete RFC 5322 message around ENTITY (non-ASCII subjects are
        RFC 2047 encoded)
  pgpmime-signed --status STATUSFILE ENTITY SIGFILE
        multipart/signed (RFC 3156) of ENTITY and gpg's detached signature,
        micalg from the SIG_CREATED line of gpg's --status-file
  pgpmime-encrypted ARMORED
        multipart/encrypted (RFC 3156) around gpg's armored output
  crlf                 stdin to stdout with every line end made CRLF
  armor                stdin (binary OpenPGP) armored as a PGP MESSAGE
  corrupt              stdin (binary OpenPGP) with bytes flipped in its
                       last quarter (the encrypted data packet)
  autocrypt --addr A KEYFILE
                       an "Autocrypt:" header, folded, for a binary key
  blob pdf|bin         fixed binary content for attachments
  replace FILE OLD NEW change the single occurrence of OLD in FILE
  quote                stdin with "> " before every line
  pty-run [--timeout S] [--log F] [--expect TEXT --send KEYS].. -- ARGV
                       run ARGV on a pseudo-terminal; whenever the screen
                       shows the next TEXT, type its KEYS (drives mutt,
                       whose batch mode cannot sign or encrypt)
  check OUTDIR TEAMHOME
                       re-read every message in OUTDIR/msg with the gpg
                       CLI and compare with OUTDIR/manifest.tsv
"""

import argparse
import base64
import hashlib
import os
import re
import sys

# this runs about a hundred times per fixture set: the heavy modules (email,
# subprocess) are imported only by the subcommands that use them

# --- building ---------------------------------------------------------------

TSPECIALS = set('()<>@,;:\\"/[]?= \t')


def param(key, value):
    if len(value) > 1 and value[0] == value[-1] == '"':
        return '%s=%s' % (key, value)          # quoted by the caller
    if value and not any(c in TSPECIALS for c in value):
        return '%s=%s' % (key, value)
    return '%s="%s"' % (key, value.replace('\\', '\\\\').replace('"', '\\"'))


def content_type(ctype, params):
    """Content-Type header, one parameter per folded line when long."""
    out = 'Content-Type: ' + ctype
    for k, v in params:
        p = param(k, v)
        if len(out.rsplit('\n', 1)[-1]) + len(p) + 2 > 76:
            out += ';\n\t' + p
        else:
            out += '; ' + p
    return out + '\n'


def split_params(items):
    out = []
    for it in items or []:
        k, _, v = it.partition('=')
        out.append((k, v))
    return out


def b64lines(data):
    enc = base64.b64encode(data).decode('ascii')
    return ''.join(enc[i:i + 76] + '\n' for i in range(0, len(enc), 76))


def cmd_part(a):
    out(leaf(read(a.file), a.type, split_params(a.param), a.cte,
             a.disposition, a.filename, a.description, a.header))


def leaf(data, ctype, params, cte=None, disposition=None, filename=None,
         description=None, headers=None):
    head = content_type(ctype, params)
    if cte == 'base64':
        body = b64lines(data).encode('ascii')
    elif cte == 'quoted-printable':
        import quopri
        body = quopri.encodestring(data)
        if body and not body.endswith(b'\n'):
            body += b'=\n'
    else:
        body = data
    if cte:
        head += 'Content-Transfer-Encoding: %s\n' % cte
    if description:
        head += 'Content-Description: %s\n' % description
    if disposition:
        head += 'Content-Disposition: ' + disposition
        if filename:
            head += '; ' + param('filename', filename)
        head += '\n'
    for h in headers or []:
        head += h + '\n'
    return head.encode('utf-8') + b'\n' + body


def cmd_multipart(a):
    out(multipart(a.subtype, split_params(a.param),
                  [read(f) for f in a.entity], a.preamble))


def multipart(subtype, params, parts, preamble=None):
    h = hashlib.sha256(subtype.encode())
    for p in parts:
        h.update(hashlib.sha256(p).digest())
    boundary = '=-mg-' + h.hexdigest()[:24]
    for p in parts:
        if boundary.encode() in p:
            die('boundary collides with content')
    params = params + [('boundary', boundary)]
    body = content_type('multipart/' + subtype, params).encode() + b'\n'
    if preamble:
        body += preamble.encode() + b'\n'
    for p in parts:
        # the LF before each delimiter belongs to the delimiter (RFC 2046),
        # so part p is exactly the bytes that were signed
        body += b'--' + boundary.encode() + b'\n' + p + b'\n'
    body += b'--' + boundary.encode() + b'--\n'
    return body


def cmd_pgpmime_signed(a):
    """RFC 3156 section 5: the entity as signed, then its signature."""
    sig = leaf(read(a.sig), 'application/pgp-signature',
               [('name', 'signature.asc')], None, 'attachment',
               'signature.asc', 'OpenPGP digital signature')
    out(multipart('signed', [('micalg', micalg(a.status)),
                             ('protocol', 'application/pgp-signature')],
                  [read(a.entity), sig]))


def cmd_pgpmime_encrypted(a):
    """RFC 3156 section 4: version part, then gpg's armored output."""
    version = leaf(b'Version: 1\n', 'application/pgp-encrypted', [],
                   description='PGP/MIME version identification')
    data = leaf(read(a.armored), 'application/octet-stream',
                [('name', 'encrypted.asc')], None, 'inline', 'encrypted.asc',
                'OpenPGP encrypted message')
    out(multipart('encrypted', [('protocol', 'application/pgp-encrypted')],
                  [version, data]))


def encode_header(value):
    try:
        value.encode('ascii')
        return value
    except UnicodeEncodeError:
        import email.header
        return email.header.Header(value, 'utf-8', header_name='Subject').encode()


def cmd_message(a):
    head = 'From: %s\n' % a.from_
    if a.to:
        head += 'To: %s\n' % a.to
    head += 'Subject: %s\n' % encode_header(a.subject)
    head += 'Date: %s\n' % a.date
    head += 'Message-ID: %s\n' % a.msgid
    for h in a.header or []:
        head += h + '\n'
    head += 'MIME-Version: 1.0\n'
    out(head.encode('utf-8') + read(a.entity))


def cmd_crlf(a):
    data = sys.stdin.buffer.read()
    out(data.replace(b'\r\n', b'\n').replace(b'\n', b'\r\n'))


HASHES = {1: 'md5', 2: 'sha1', 3: 'ripemd160', 8: 'sha256', 9: 'sha384',
          10: 'sha512', 11: 'sha224'}


def micalg(status):
    """"pgp-sha256" etc. from gpg's SIG_CREATED status line."""
    for line in read(status).decode().splitlines():
        f = line.split()
        if len(f) > 4 and f[1] == 'SIG_CREATED':
            return 'pgp-' + HASHES[int(f[4])]
    die('no SIG_CREATED in ' + status)


def crc24(data):
    crc = 0xB704CE
    for b in data:
        crc ^= b << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def armor(data, kind='MESSAGE'):
    enc = base64.b64encode(data).decode()
    lines = [enc[i:i + 64] for i in range(0, len(enc), 64)]
    crc = base64.b64encode(crc24(data).to_bytes(3, 'big')).decode()
    return ('-----BEGIN PGP %s-----\n\n%s\n=%s\n-----END PGP %s-----\n'
            % (kind, '\n'.join(lines), crc, kind)).encode()


def cmd_armor(a):
    out(armor(sys.stdin.buffer.read()))


def cmd_corrupt(a):
    data = bytearray(sys.stdin.buffer.read())
    if len(data) < 256:
        die('ciphertext too short to damage only its data packet')
    at = len(data) * 3 // 4
    for i in range(at, at + 4):
        data[i] ^= 0x5A
    out(bytes(data))


def cmd_autocrypt(a):
    key = base64.b64encode(read(a.keyfile)).decode()
    value = 'addr=%s; prefer-encrypt=mutual; keydata=' % a.addr
    lines = ['Autocrypt: ' + value]
    for i in range(0, len(key), 72):
        lines.append(' ' + key[i:i + 72])
    out(('\n'.join(lines) + '\n').encode())


def cmd_blob(a):
    if a.kind == 'pdf':
        data = (b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'
                b'1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n'
                b'2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n'
                b'% incident report: 198.51.100.23 exfiltrated data\n'
                + bytes(range(256)) +
                b'\ntrailer << /Root 1 0 R >>\n%%EOF\n')
    else:
        data = b''
        seed = b'madoguchi evidence'
        while len(data) < 1500:
            seed = hashlib.sha256(seed).digest()
            data += seed
    out(data)


def cmd_replace(a):
    data = read(a.file)
    old, new = a.old.encode(), a.new.encode()
    if data.count(old) != 1:
        die('%s: %r occurs %d times, want once' % (a.file, a.old, data.count(old)))
    with open(a.file, 'wb') as f:
        f.write(data.replace(old, new))


def cmd_quote(a):
    data = sys.stdin.buffer.read()
    out(b''.join((b'> ' + l if l.strip() else b'>' + l)
                 for l in data.splitlines(True)))


def cmd_pty_run(a):
    """Run a curses program without a terminal, typing KEYS on cue."""
    import fcntl
    import select
    import signal
    import time
    import struct
    import termios
    script = list(zip([e.encode() for e in a.expect or []],
                      [s.encode().decode('unicode_escape').encode()
                       for s in a.send or []]))
    argv = a.argv[1:] if a.argv[:1] == ['--'] else a.argv
    m, s = os.openpty()
    fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
    pid = os.fork()
    if pid == 0:
        try:
            os.close(m)
            os.setsid()
            fcntl.ioctl(s, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(s, fd)
            if s > 2:
                os.close(s)
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    os.close(s)
    deadline = time.monotonic() + a.timeout
    screen = bytearray()
    seen = 0
    rc = None
    while rc is None:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            rc = 124
            break
        r, _, _ = select.select([m], [], [], left)
        if not r:
            continue
        try:
            d = os.read(m, 4096)
        except OSError:
            d = b''
        if not d:
            _, st = os.waitpid(pid, 0)
            rc = os.waitstatus_to_exitcode(st)
            break
        screen += d
        if script and script[0][0] in screen[seen:]:
            seen = len(screen)
            os.write(m, script.pop(0)[1])
    os.close(m)
    if a.log:
        with open(a.log, 'wb') as f:
            f.write(bytes(screen))
    if rc == 0 and script:
        rc = 125    # exited before every cue was seen
    sys.exit(rc)


# --- checking: an independent reading with the gpg CLI ---------------------

WEAK = {1, 2, 3}          # MD5, SHA1, RIPEMD160


class Gpg:
    def __init__(self, home, tmp):
        self.home = home
        self.tmp = tmp

    def run(self, args, data=None):
        p = subprocess.run(['gpg', '--homedir', self.home, '--batch',
                            '--no-tty', '--pinentry-mode', 'loopback',
                            '--passphrase', '', '--status-fd', '2'] + args,
                           input=data, capture_output=True)
        status = [l[9:].split() for l in p.stderr.decode(errors='replace')
                  .splitlines() if l.startswith('[GNUPG:] ')]
        return p.stdout, status

    def file(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, 'wb') as f:
            f.write(data)
        return path


def sigs_from_status(status):
    """[(verdict, fpr, hashalgo)] for each signature in gpg's status."""
    res = []
    cur = None
    for f in status:
        kw = f[0]
        if kw == 'NEWSIG':
            cur = None
        elif kw in ('GOODSIG', 'BADSIG', 'EXPSIG', 'EXPKEYSIG', 'REVKEYSIG'):
            verdict = {'GOODSIG': 'good', 'BADSIG': 'bad', 'EXPSIG': 'expired',
                       'EXPKEYSIG': 'expired', 'REVKEYSIG': 'revoked'}[kw]
            cur = [verdict, f[1], None]
            res.append(cur)
        elif kw == 'ERRSIG':
            # rc 9 is "no public key"; anything else (e.g. 5, a rejected
            # digest algorithm) is a signature that cannot be good
            verdict = 'unknown-key' if f[6] == '9' else 'bad'
            fpr = f[7] if len(f) > 7 and f[7] != '-' else f[1]
            res.append([verdict, fpr, int(f[3])])
        elif kw == 'VALIDSIG' and cur is not None:
            cur[1] = f[10] if len(f) > 10 else f[1]
            cur[2] = int(f[8])
    return res


class Reading:
    """What a careful gateway concludes about one message."""

    def __init__(self):
        self.encrypted = False
        self.undecryptable = False
        self.sigs = []            # signatures over the whole message
        self.texts = []
        self.subject = None
        self.attachments = []     # (filename, sha256 of the content)
        self.keys = []            # (fpr, [uid emails]) offered by the message


def decode_text(part):
    raw = part.get_payload(decode=True) or b''
    cs = part.get_content_charset() or 'utf-8'
    try:
        return raw.decode(cs, errors='replace')
    except LookupError:
        return raw.decode('utf-8', errors='replace')


def raw_parts(raw_entity, boundary):
    """The exact bytes of each body part of a multipart entity."""
    body = raw_entity.split(b'\n\n', 1)[1] if b'\n\n' in raw_entity else b''
    delim = re.compile(rb'(^|\n)--' + re.escape(boundary.encode()) +
                       rb'(--)?[ \t]*(\n|$)')
    out = []
    pos = None
    for m in delim.finditer(body):
        if pos is not None:
            out.append(body[pos:m.start()])
        if m.group(2):
            break
        pos = m.end()
    return out


ARMOR_MSG = re.compile(rb'^-----BEGIN PGP MESSAGE-----\r?\n.*?'
                       rb'^-----END PGP MESSAGE-----$', re.M | re.S)
ARMOR_SIGNED = re.compile(rb'^-----BEGIN PGP SIGNED MESSAGE-----\r?\n.*?'
                          rb'^-----END PGP SIGNATURE-----$', re.M | re.S)


class Checker:
    def __init__(self, gpg, fprs):
        self.gpg = gpg
        self.names = {v: k for k, v in fprs.items()}

    def decrypt(self, data, r):
        plain, status = self.gpg.run(['--decrypt'], data)
        kws = [f[0] for f in status]
        r.encrypted = True
        if 'DECRYPTION_OKAY' not in kws:
            r.undecryptable = True
            return None, []
        return plain, sigs_from_status(status)

    def read(self, raw):
        r = Reading()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        r.subject = str(msg['Subject'])
        self.entity(raw, msg, r, top=True)
        return r

    def entity(self, raw, msg, r, top):
        """Read one entity; top: its signature would cover the message."""
        ctype = msg.get_content_type()
        if ctype == 'multipart/encrypted':
            payload = msg.get_payload()[1].get_payload(decode=True)
            plain, sigs = self.decrypt(payload, r)
            if plain is not None:
                if top:
                    r.sigs += sigs
                self.inner(plain, r, top)
            return
        if ctype == 'multipart/signed':
            parts = raw_parts(raw, msg.get_boundary())
            sig = msg.get_payload()[1].get_payload(decode=True)
            signed = parts[0].replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')
            _, status = self.gpg.run(['--verify', self.gpg.file('sig', sig),
                                      self.gpg.file('data', signed)])
            if top:
                r.sigs += sigs_from_status(status)
            self.entity(parts[0], msg.get_payload()[0], r, top=False)
            return
        if ctype == 'application/pgp-encrypted' and not msg.is_multipart() and top:
            # the whole body, as some Outlook plugins send it
            plain, sigs = self.decrypt(msg.get_payload(decode=True), r)
            if plain is not None:
                r.sigs += sigs
                r.texts.append(plain.decode('utf-8', errors='replace'))
            return
        if msg.is_multipart():
            kids = msg.get_payload()
            types = [k.get_content_type() for k in kids]
            if (top and ctype == 'multipart/mixed' and len(kids) == 3
                    and types[1] == 'application/pgp-encrypted'
                    and not (kids[0].get_payload(decode=True) or b'').strip()):
                # the Exchange "mixed-up encryption" of a PGP/MIME message
                plain, sigs = self.decrypt(kids[2].get_payload(decode=True), r)
                if plain is not None:
                    r.sigs += sigs
                    self.inner(plain, r, top)
                return
            rawkids = raw_parts(raw, msg.get_boundary())
            for rk, k in zip(rawkids, kids):
                self.entity(rk, k, r, top=False)
            return
        self.leaf(msg, r, top)

    def inner(self, plain, r, top):
        plain = plain.replace(b'\r\n', b'\n')
        msg = email.message_from_bytes(plain, policy=email.policy.default)
        if msg.get_param('protected-headers') == 'v1' and msg['Subject']:
            r.subject = str(msg['Subject'])
        self.entity(plain, msg, r, top)

    def leaf(self, msg, r, top):
        ctype = msg.get_content_type()
        name = msg.get_filename()
        data = msg.get_payload(decode=True) or b''
        if ctype == 'text/plain' and not name:
            r.texts.append(self.inline(msg, r, top))
            return
        if data.startswith(b'-----BEGIN PGP MESSAGE-----') or (
                name and re.search(r'\.(gpg|pgp)$', name)):
            # an encrypted file, whatever type the client gave it
            plain, _ = self.decrypt(data, r)
            if plain is not None:
                r.attachments.append((re.sub(r'\.(gpg|pgp|asc)$', '', name or ''),
                                      hashlib.sha256(plain).hexdigest()))
            return
        if ctype == 'application/pgp-keys' or data.startswith(
                b'-----BEGIN PGP PUBLIC KEY BLOCK-----'):
            r.keys += self.keys_in(data)
            return
        if ctype.startswith('text/') and not name:
            r.texts.append(decode_text(msg))
            return
        r.attachments.append((name, hashlib.sha256(data).hexdigest()))

    def inline(self, part, r, top):
        """Inline PGP in a text body: armor only at the start of a line.

        Signatures hold over the bytes as sent (ISO-2022-JP too), so the
        armor is found and checked before any charset conversion."""
        data = part.get_payload(decode=True) or b''
        cs = part.get_content_charset() or 'utf-8'
        m = ARMOR_SIGNED.search(data)
        if m:
            plain, status = self.gpg.run(['--decrypt'], m.group(0))
            if top:
                r.sigs += sigs_from_status(status)
            data = data[:m.start()] + plain + data[m.end():]
        m = ARMOR_MSG.search(data)
        text = data.decode(cs, errors='replace')
        if m:
            plain, sigs = self.decrypt(m.group(0), r)
            if top:
                r.sigs += sigs
            if plain is not None:
                # the plaintext of an inline block declares no charset
                text = (data[:m.start()].decode(cs, errors='replace') +
                        plain.decode('utf-8', errors='replace') +
                        data[m.end():].decode(cs, errors='replace'))
        return text

    def name_of(self, fpr_or_keyid):
        for fpr, name in self.names.items():
            if fpr.endswith(fpr_or_keyid.upper()):
                return name
        return fpr_or_keyid

    def keys_in(self, data):
        out, _ = self.gpg.run(['--with-colons', '--import-options',
                               'show-only', '--import'], data)
        keys = []
        for line in out.decode().splitlines():
            f = line.split(':')
            if f[0] == 'fpr' and (not keys or keys[-1][0] is None):
                if keys:
                    keys[-1][0] = f[9]
            elif f[0] == 'pub':
                keys.append([None, []])
            elif f[0] == 'uid' and keys:
                m = re.search(r'<([^>]+)>|(\S+@\S+)', f[9])
                if m:
                    keys[-1][1].append((m.group(1) or m.group(2)).lower())
        return keys

    def learned_key(self, msg, r):
        """Name of the key a gateway may link to the From address, or -."""
        addr = email.utils.parseaddr(str(msg['From']))[1].lower()
        cands = list(r.keys)
        for ac in msg.get_all('Autocrypt') or []:
            d = dict(kv.strip().split('=', 1) for kv in str(ac).split(';'))
            if d.get('addr', '').lower() == addr:
                cands += self.keys_in(base64.b64decode(
                    re.sub(r'\s', '', d['keydata'])))
        for fpr, uids in cands:
            if addr in uids:
                return self.name_of(fpr)
        return '-'


def cmd_check(a):
    global email, shutil, subprocess, tempfile
    import email
    import email.policy
    import email.utils
    import shutil
    import subprocess
    import tempfile
    fprs = {}
    for line in read(os.path.join(a.outdir, 'keys', 'fingerprints.tsv')).decode().splitlines():
        name, fpr = line.split('\t')
        fprs[name] = fpr
    home = tempfile.mkdtemp(prefix='mgc.', dir='/tmp')
    try:
        # a scratch copy of the team home plus the correspondents' keys:
        # the instance itself is never touched
        os.chmod(home, 0o700)
        shutil.copytree(os.path.join(a.teamhome, 'private-keys-v1.d'),
                        os.path.join(home, 'private-keys-v1.d'))
        shutil.copy(os.path.join(a.teamhome, 'pubring.kbx'), home)
        gpg = Gpg(home, home)
        for n in ('alice', 'bob', 'carol', 'dave'):
            gpg.run(['--import', os.path.join(a.outdir, 'keys', n + '.asc')])
        chk = Checker(gpg, fprs)
        bad = 0
        rows = [l.split('\t') for l in read(os.path.join(a.outdir, 'manifest.tsv'))
                .decode().splitlines() if l and not l.startswith('#')]
        for row in rows:
            name, enc, sig, signer, flags, subject, body, key, att = row
            raw = read(os.path.join(a.outdir, 'msg', name + '.eml'))
            problems = []
            if b'\r' in raw:
                problems.append('CR in message')
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            for h in ('From', 'To', 'Subject', 'Date', 'Message-ID', 'MIME-Version'):
                if msg[h] is None:
                    problems.append('no ' + h)
            r = chk.read(raw)
            got_sig = r.sigs[0][0] if r.sigs else 'none'
            got_signer = chk.name_of(r.sigs[0][1]) if r.sigs else '-'
            got_flags = []
            if r.undecryptable:
                got_flags.append('undecryptable')
            if r.sigs and r.sigs[0][0] == 'good' and r.sigs[0][2] in WEAK:
                got_flags.append('weak-digest')
            text = '\n'.join(r.texts)
            for what, got, want in (
                    ('encrypted', str(r.encrypted).lower(), enc),
                    ('signature', got_sig, sig),
                    ('signer', got_signer, signer),
                    ('flags', ','.join(got_flags) or '-', flags),
                    ('subject', r.subject, subject),
                    ('key', chk.learned_key(msg, r), key)):
                if got != want:
                    problems.append('%s: got %s, want %s' % (what, got, want))
            if body != '-' and body not in text:
                problems.append('body lacks %r' % body)
            if body == '-' and 'Fixture: ' + name in text:
                problems.append('undecryptable text was read')
            if att != '-' and att.split('=')[1] not in [h for _, h in r.attachments]:
                problems.append('no attachment %s (have %s)' % (att, r.attachments))
            if problems:
                bad += 1
                print('NOT OK - %s: %s' % (name, '; '.join(problems)))
            else:
                print('ok - %s' % name)
        print('%d messages checked, %d wrong' % (len(rows), bad))
        sys.exit(1 if bad or not rows else 0)
    finally:
        subprocess.run(['gpgconf', '--homedir', home, '--kill', 'all'],
                       capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


# --- plumbing ---------------------------------------------------------------

def read(path):
    with open(path, 'rb') as f:
        return f.read()


def out(data):
    sys.stdout.buffer.write(data)


def die(msg):
    sys.stderr.write('pgp_mime.py: %s\n' % msg)
    sys.exit(2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('part')
    p.add_argument('--type', default='text/plain')
    p.add_argument('--param', action='append')
    p.add_argument('--cte')
    p.add_argument('--disposition')
    p.add_argument('--filename')
    p.add_argument('--description')
    p.add_argument('--header', action='append')
    p.add_argument('file')
    p = sub.add_parser('multipart')
    p.add_argument('--subtype', required=True)
    p.add_argument('--param', action='append')
    p.add_argument('--preamble')
    p.add_argument('entity', nargs='+')
    p = sub.add_parser('message')
    p.add_argument('--from', dest='from_', required=True)
    p.add_argument('--to', default='csirt@example.org')
    p.add_argument('--subject', required=True)
    p.add_argument('--date', required=True)
    p.add_argument('--msgid', required=True)
    p.add_argument('--header', action='append')
    p.add_argument('entity')
    p = sub.add_parser('pgpmime-signed')
    p.add_argument('--status', required=True)
    p.add_argument('entity')
    p.add_argument('sig')
    p = sub.add_parser('pgpmime-encrypted')
    p.add_argument('armored')
    sub.add_parser('crlf')
    sub.add_parser('armor')
    sub.add_parser('corrupt')
    p = sub.add_parser('autocrypt')
    p.add_argument('--addr', required=True)
    p.add_argument('keyfile')
    p = sub.add_parser('blob')
    p.add_argument('kind', choices=('pdf', 'bin'))
    p = sub.add_parser('replace')
    p.add_argument('file')
    p.add_argument('old')
    p.add_argument('new')
    sub.add_parser('quote')
    p = sub.add_parser('pty-run')
    p.add_argument('--timeout', type=float, default=30)
    p.add_argument('--log')
    p.add_argument('--expect', action='append')
    p.add_argument('--send', action='append')
    p.add_argument('argv', nargs=argparse.REMAINDER)
    p = sub.add_parser('check')
    p.add_argument('outdir')
    p.add_argument('teamhome')
    a = ap.parse_args()
    globals()['cmd_' + a.cmd.replace('-', '_')](a)


if __name__ == '__main__':
    main()
