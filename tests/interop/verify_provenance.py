#!/usr/bin/python3
"""Independent verifier of the Credential Provenance that `twi quickstart` leaves behind.

Written from the public specs only (DSSE v1.0.0, in-toto Statement v1, RFC 5280 / X.690 DER,
RFC 6962 section 3.2 precertificates, C2SP signed-note, tlog-checkpoint and tlog-proof@v1,
RFC 9162 section 2.1.3.2), over the Debian python3-cryptography package; no twi code.

    verify_provenance.py DIR          check DIR/{svid.pem, provenance.dsse.json,
                                      provenance-signer.pem, provenance.tlog-proof, log.vkey}
    verify_provenance.py --new-vkey NAME
                                      print the verifier key of a fresh Ed25519 note key NAME

On success prints "OK <index> <size>" and exits 0. Otherwise prints
"FAIL step <n> (<step name>): <why>" on stderr and exits 1.

Steps:
  1 dsse            the envelope's signature over PAE verifies under provenance-signer.pem
  2 statement       in-toto Statement v1, our predicateType, subject[0].name = x509:<serial>
  3 subject-digest  subject[0].digest.sha256 = SHA-256(leaf TBSCertificate without the pointer)
  4 pointer         the pointer names SHA-256(envelope), the proof's index and the vkey's name
  5 checkpoint      the checkpoint note is signed by log.vkey (key id checked), origin = name
  6 inclusion       the RFC 9162 inclusion proof of the record reaches the checkpoint root
"""

import base64
import binascii
import hashlib
import json
import os
import re
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

POINTER_OID = "2.25.91098881304171676652294184819108632895.1"
PREDICATE_TYPE = "urn:oid:2.25.91098881304171676652294184819108632895.2"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"
PROOF_HEADER = "c2sp.org/tlog-proof@v1"
MAX_PROOF_PATH = 63
SIG_PREFIX = "\u2014 "  # em dash U+2014 and a space (E2 80 94 20)
ED25519_TYPE = 0x01

STEP_NAMES = {
    1: "dsse",
    2: "statement",
    3: "subject-digest",
    4: "pointer",
    5: "checkpoint",
    6: "inclusion",
}


class Failure(Exception):
    def __init__(self, step, message):
        super().__init__(message)
        self.step = step
        self.message = message


def fail(step, message):
    """A failure after which nothing later can be judged: stop here."""
    raise Failure(step, message)


MISMATCHES = []


def mismatch(step, message):
    """A comparison that failed; the later steps do not depend on it, so they still run."""
    MISMATCHES.append(Failure(step, message))


def sha256(data):
    return hashlib.sha256(data).digest()


# ---------------------------------------------------------------------------------------------
# Base64

def b64_strict(text, step, what):
    """Standard, padded, canonical base64 (C2SP notes and proofs)."""
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text) or \
            len(text) % 4 != 0:
        fail(step, f"{what} is not standard padded base64")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        fail(step, f"{what} is not standard padded base64")
    if base64.b64encode(raw).decode() != text:
        fail(step, f"{what} is not canonical base64")
    return raw


def b64_dsse(text, step, what):
    """DSSE: standard or URL-safe alphabet, padded or not (not both alphabets at once)."""
    if not isinstance(text, str):
        fail(step, f"{what} is not a string")
    std = re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text)
    url = re.fullmatch(r"[A-Za-z0-9_-]*={0,2}", text)
    if not std and not url:
        fail(step, f"{what} is not base64")
    body = text.rstrip("=")
    if len(body) % 4 == 1 or (text != body and len(text) % 4 != 0):
        fail(step, f"{what} has a bad base64 length")
    padded = body + "=" * (-len(body) % 4)
    try:
        if std:
            return base64.b64decode(padded, validate=True)
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        fail(step, f"{what} is not base64")


# ---------------------------------------------------------------------------------------------
# A minimal strict DER walker (X.690 section 10): definite, minimal lengths, single-byte tags.

class Tlv:
    def __init__(self, data, start, tag, header_len, length):
        self.data = data
        self.start = start
        self.tag = tag
        self.header_len = header_len
        self.length = length

    @property
    def end(self):
        return self.start + self.header_len + self.length

    @property
    def value(self):
        return self.data[self.start + self.header_len:self.end]

    @property
    def raw(self):
        return self.data[self.start:self.end]


def der_read(data, pos, step, what):
    if pos + 2 > len(data):
        fail(step, f"{what}: truncated DER")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        fail(step, f"{what}: multi-byte DER tags are not expected here")
    first = data[pos + 1]
    if first < 0x80:
        length, header = first, 2
    else:
        count = first & 0x7F
        if count == 0:
            fail(step, f"{what}: indefinite length is not DER")
        if count > 4 or pos + 2 + count > len(data):
            fail(step, f"{what}: bad DER length")
        length = int.from_bytes(data[pos + 2:pos + 2 + count], "big")
        if data[pos + 2] == 0 or length < 0x80:
            fail(step, f"{what}: non-minimal DER length")
        header = 2 + count
    if pos + header + length > len(data):
        fail(step, f"{what}: DER element runs past its container")
    return Tlv(data, pos, tag, header, length)


def der_children(tlv, step, what):
    if not tlv.tag & 0x20:
        fail(step, f"{what}: not a constructed element")
    out, pos = [], tlv.start + tlv.header_len
    while pos < tlv.end:
        child = der_read(tlv.data[:tlv.end], pos, step, what)
        out.append(child)
        pos = child.end
    return out


def der_length(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def der_tlv(tag, value):
    return bytes([tag]) + der_length(len(value)) + value


def der_uint(tlv, step, what):
    """A non-negative DER INTEGER with minimal encoding."""
    if tlv.tag != 0x02:
        fail(step, f"{what} is not an INTEGER")
    v = tlv.value
    if not v:
        fail(step, f"{what} is an empty INTEGER")
    if len(v) > 1 and ((v[0] == 0 and v[1] < 0x80) or (v[0] == 0xFF and v[1] >= 0x80)):
        fail(step, f"{what} is not minimally encoded")
    if v[0] & 0x80:
        fail(step, f"{what} is negative")
    return int.from_bytes(v, "big")


def oid_der(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray()
    for arc in [arcs[0] * 40 + arcs[1]] + arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(reversed(chunk))
    return der_tlv(0x06, bytes(body))


# ---------------------------------------------------------------------------------------------
# X.509: the leaf, its TBSCertificate, serial and extensions (RFC 5280 section 4.1)

def first_pem_certificate(text, step):
    m = re.search(r"-----BEGIN CERTIFICATE-----\s*(.*?)\s*-----END CERTIFICATE-----", text, re.S)
    if not m:
        fail(step, "svid.pem holds no certificate")
    try:
        return base64.b64decode("".join(m.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        fail(step, "svid.pem: the leaf certificate is not base64")


class Leaf:
    """What the walker reads from the leaf: TBS fields and the extension list."""

    def __init__(self, der, step):
        self.der = der
        cert = der_read(der, 0, step, "certificate")
        if cert.tag != 0x30 or cert.end != len(der):
            fail(step, "the leaf is not one DER SEQUENCE")
        parts = der_children(cert, step, "certificate")
        if len(parts) != 3 or parts[0].tag != 0x30:
            fail(step, "the leaf is not SEQUENCE {tbsCertificate, signatureAlgorithm, signature}")
        self.tbs = parts[0]
        self.tbs_fields = der_children(self.tbs, step, "tbsCertificate")
        fields = self.tbs_fields
        i = 0
        if fields and fields[0].tag == 0xA0:  # [0] EXPLICIT Version
            i = 1
        if len(fields) < i + 6:
            fail(step, "tbsCertificate has too few fields")
        self.serial_tlv = fields[i]
        if self.serial_tlv.tag != 0x02 or not self.serial_tlv.value:
            fail(step, "tbsCertificate.serialNumber is not an INTEGER")
        rest = fields[i + 6:]
        self.extensions_index = None
        self.extensions = []
        for j, f in enumerate(rest):
            if f.tag == 0xA3:
                self.extensions_index = i + 6 + j
                inner = der_children(f, step, "[3] extensions")
                if len(inner) != 1 or inner[0].tag != 0x30:
                    fail(step, "[3] does not hold one SEQUENCE OF Extension")
                self.extensions_seq = inner[0]
                self.extensions = der_children(inner[0], step, "extensions")
                if not self.extensions:
                    fail(step, "an empty extensions SEQUENCE is not allowed (SIZE (1..MAX))")
            elif f.tag not in (0x81, 0xA1, 0x82, 0xA2):
                fail(step, f"tbsCertificate has an unexpected field with tag {f.tag:#x}")

    def find_extension(self, oid, step):
        """(index, critical, value) of the extension `oid` (DER OID bytes), or None."""
        found = None
        for k, ext in enumerate(self.extensions):
            parts = der_children(ext, step, f"extension {k}")
            if len(parts) not in (2, 3) or parts[0].tag != 0x06 or parts[-1].tag != 0x04:
                fail(step, f"extension {k} is not SEQUENCE {{OID, [BOOLEAN], OCTET STRING}}")
            critical = False
            if len(parts) == 3:
                if parts[1].tag != 0x01 or parts[1].value not in (b"\xff",):
                    # DER: DEFAULT FALSE is omitted, TRUE is 0xFF.
                    fail(step, f"extension {k} has a non-DER critical flag")
                critical = True
            if parts[0].raw == oid:
                if found is not None:
                    fail(step, "the extension appears twice (RFC 5280 section 4.2)")
                found = (k, critical, parts[-1].value)
        return found

    def tbs_without(self, oid, step):
        """DER TBSCertificate with every extension `oid` removed, lengths re-encoded."""
        if self.extensions_index is None:
            return self.tbs.raw
        kept = [e.raw for e in self.extensions
                if der_children(e, step, "extension")[0].raw != oid]
        fields = []
        for j, f in enumerate(self.tbs_fields):
            if j != self.extensions_index:
                fields.append(f.raw)
            elif kept:
                fields.append(der_tlv(0xA3, der_tlv(0x30, b"".join(kept))))
            # else: no extension left, [3] is dropped
        return der_tlv(0x30, b"".join(fields))


def parse_pointer(value, step):
    """ProvenancePointer ::= SEQUENCE {INTEGER 1, OCTET STRING (32), UTF8String, INTEGER}."""
    seq = der_read(value, 0, step, "pointer")
    if seq.tag != 0x30 or seq.end != len(value):
        fail(step, "the pointer value is not one DER SEQUENCE")
    parts = der_children(seq, step, "pointer")
    if len(parts) != 4:
        fail(step, f"the pointer has {len(parts)} fields, not 4")
    if der_uint(parts[0], step, "pointer version") != 1:
        fail(step, "the pointer version is not 1")
    if parts[1].tag != 0x04 or len(parts[1].value) != 32:
        fail(step, "the pointer's record digest is not a 32-byte OCTET STRING")
    if parts[2].tag != 0x0C or not parts[2].value:
        fail(step, "the pointer's log origin is not a non-empty UTF8String")
    try:
        origin = parts[2].value.decode("utf-8")
    except UnicodeDecodeError:
        fail(step, "the pointer's log origin is not UTF-8")
    index = der_uint(parts[3], step, "pointer log index")
    return parts[1].value, origin, index


# ---------------------------------------------------------------------------------------------
# C2SP signed-note, vkey, checkpoint and tlog-proof

def decimal(text, step, what):
    if not re.fullmatch(r"0|[1-9][0-9]*", text) or int(text) >= 1 << 64:
        fail(step, f"{what} {text!r} is not a decimal without leading zeros")
    return int(text)


def note_key_id(name, sig_type, key):
    return sha256(name.encode() + b"\n" + bytes([sig_type]) + key)[:4]


def valid_key_name(name):
    return bool(name) and "+" not in name and not re.search(r"\s", name) and \
        not any(ord(c) < 0x20 or ord(c) == 0x7F for c in name)


def parse_vkey(text, step):
    """<name>+<hex8 key id>+<base64(0x01 || 32-byte Ed25519 key)>; returns (name, id, key)."""
    if text.endswith("\n"):
        text = text[:-1]
    parts = text.split("+", 2)  # the name has no '+'; base64 may
    if len(parts) != 3:
        fail(step, "log.vkey is not <name>+<hex>+<base64>")
    name, hex_id, b64 = parts
    if not valid_key_name(name):
        fail(step, f"log.vkey has an invalid key name {name!r}")
    if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
        fail(step, "log.vkey's key id is not 8 lower-case hex digits")
    raw = b64_strict(b64, step, "log.vkey's key")
    if len(raw) != 33 or raw[0] != ED25519_TYPE:
        fail(step, "log.vkey is not an Ed25519 (type 0x01) key")
    key_id = bytes.fromhex(hex_id)
    if note_key_id(name, ED25519_TYPE, raw[1:]) != key_id:
        fail(step, "log.vkey's key id is not SHA-256(name || 0x0A || 0x01 || key)[:4]")
    return name, key_id, raw[1:]


def parse_note(note, step):
    """Splits a signed note at its last blank line; returns (text, [(name, key_id, sig)])."""
    if not note.endswith("\n"):
        fail(step, "the checkpoint note does not end with a newline")
    if any((ord(c) < 0x20 and c != "\n") or ord(c) == 0x7F for c in note):
        fail(step, "the checkpoint note holds control characters")
    split = note.rfind("\n\n")
    if split < 0:
        fail(step, "the checkpoint note has no blank line before its signatures")
    text = note[:split + 1]
    lines = note[split + 2:].split("\n")[:-1]
    if not lines:
        fail(step, "the checkpoint note has no signature")
    signatures = []
    for line in lines:
        if not line.startswith(SIG_PREFIX):
            fail(step, f"signature line {line!r} does not start with an em dash and a space")
        fields = line[len(SIG_PREFIX):].split(" ")
        if len(fields) != 2 or not valid_key_name(fields[0]):
            fail(step, f"signature line {line!r} is not '— <name> <base64>'")
        raw = b64_strict(fields[1], step, "a note signature")
        if len(raw) < 5:
            fail(step, "a note signature is shorter than key id + 1 byte")
        signatures.append((fields[0], raw[:4], raw[4:]))
    return text, signatures


def parse_checkpoint_text(text, step):
    lines = text.split("\n")
    if lines[-1] != "" or len(lines) < 4:
        fail(step, "the checkpoint body is not origin, size and root lines")
    lines = lines[:-1]
    if not lines[0]:
        fail(step, "the checkpoint origin is empty")
    size = decimal(lines[1], step, "the checkpoint size")
    root = b64_strict(lines[2], step, "the checkpoint root")
    if len(root) != 32:
        fail(step, "the checkpoint root is not 32 bytes")
    if any(not extension for extension in lines[3:]):
        fail(step, "the checkpoint has an empty extension line")
    return lines[0], size, root


def parse_proof(text):
    """c2sp.org/tlog-proof@v1; returns (extra, index, path, checkpoint note). Step 6 errors."""
    step = 6
    head, sep, checkpoint = text.partition("\n\n")
    if not sep or not checkpoint:
        fail(step, "the proof has no blank line followed by a checkpoint")
    lines = head.split("\n")
    if lines[0] != PROOF_HEADER:
        fail(step, f"the proof does not start with {PROOF_HEADER}")
    i, extra = 1, None
    if i < len(lines) and lines[i].startswith("extra "):
        extra = b64_strict(lines[i][len("extra "):], step, "the proof's extra data")
        i += 1
    if i >= len(lines) or not lines[i].startswith("index "):
        fail(step, "the proof has no 'index <n>' line")
    index = decimal(lines[i][len("index "):], step, "the proof index")
    path = []
    for line in lines[i + 1:]:
        node = b64_strict(line, step, f"proof path line {len(path)}")
        if len(node) != 32:
            fail(step, f"proof path line {len(path)} is not 32 bytes")
        path.append(node)
    if len(path) > MAX_PROOF_PATH:
        fail(step, f"the proof has more than {MAX_PROOF_PATH} path lines")
    return extra, index, path, checkpoint


def leaf_hash(entry):
    return sha256(b"\x00" + entry)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def verify_inclusion(index, size, leaf, path, root):
    """RFC 9162 section 2.1.3.2. Returns None on success, else the reason."""
    if index >= size:
        return f"index {index} is not below the tree size {size}"
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return "the inclusion path is too long"
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return "the inclusion path is too short"
    if r != root:
        return "the inclusion path does not lead to the checkpoint root"
    return None


# ---------------------------------------------------------------------------------------------
# The check

def pae(payload_type, body):
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def read(directory, name, step, binary=False):
    try:
        with open(os.path.join(directory, name), "rb") as f:
            data = f.read()
    except OSError as e:
        fail(step, f"cannot read {name}: {e.strerror}")
    if binary:
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        fail(step, f"{name} is not UTF-8")


def check(directory):
    # 1. DSSE signature over PAE(payloadType, payload) with provenance-signer.pem.
    step = 1
    envelope_bytes = read(directory, "provenance.dsse.json", step, binary=True)
    try:
        envelope = json.loads(envelope_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        fail(step, f"provenance.dsse.json is not JSON: {e}")
    if not isinstance(envelope, dict):
        fail(step, "the envelope is not a JSON object")
    payload_type = envelope.get("payloadType")
    if not isinstance(payload_type, str):
        fail(step, "the envelope has no payloadType string")
    payload = b64_dsse(envelope.get("payload"), step, "payload")
    signatures = envelope.get("signatures")
    if not isinstance(signatures, list) or not signatures:
        fail(step, "the envelope has no signatures")
    try:
        signer = serialization.load_pem_public_key(
            read(directory, "provenance-signer.pem", step, binary=True))
    except ValueError:
        fail(step, "provenance-signer.pem is not a PEM public key")
    if not isinstance(signer, ec.EllipticCurvePublicKey) or signer.curve.name != "secp256r1":
        fail(step, "provenance-signer.pem is not a P-256 key")
    message = pae(payload_type, payload)
    verified = False
    for s in signatures:
        if not isinstance(s, dict):
            fail(step, "a signature entry is not an object")
        sig = b64_dsse(s.get("sig"), step, "sig")
        try:
            signer.verify(sig, message, ec.ECDSA(hashes.SHA256()))  # DER ECDSA-Sig-Value
            verified = True
            break
        except InvalidSignature:
            continue
    if not verified:
        fail(step, "no signature verifies over PAE under provenance-signer.pem")
    if payload_type != IN_TOTO_PAYLOAD_TYPE:
        fail(step, f"payloadType is {payload_type!r}, not {IN_TOTO_PAYLOAD_TYPE}")

    # 2. The in-toto Statement names the leaf.
    step = 2
    try:
        statement = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        fail(step, f"the payload is not JSON: {e}")
    if not isinstance(statement, dict) or statement.get("_type") != STATEMENT_TYPE:
        fail(step, f"the payload is not an in-toto Statement ({STATEMENT_TYPE})")
    if statement.get("predicateType") != PREDICATE_TYPE:
        fail(step, f"predicateType is {statement.get('predicateType')!r}, not {PREDICATE_TYPE}")
    subjects = statement.get("subject")
    if not isinstance(subjects, list) or not subjects or not isinstance(subjects[0], dict):
        fail(step, "the statement has no subject")
    subject = subjects[0]
    leaf = Leaf(first_pem_certificate(read(directory, "svid.pem", step), step), step)
    if leaf.serial_tlv.value[0] & 0x80:
        fail(step, "the leaf's serial number is negative")
    # docs/provenance.md: the serial's DER content octets in lower-case hex, as
    # `openssl x509 -serial` prints them (whole bytes, a leading 00 kept).
    expected_name = "x509:" + leaf.serial_tlv.value.hex()
    if subject.get("name") != expected_name:
        mismatch(step, f"subject[0].name is {subject.get('name')!r}, not {expected_name!r}")
    digest = subject.get("digest")
    if not isinstance(digest, dict) or not isinstance(digest.get("sha256"), str) or \
            not re.fullmatch(r"[0-9a-f]{64}", digest["sha256"]):
        fail(step, "subject[0].digest.sha256 is not 64 lower-case hex digits")

    # 3. The precertificate digest: TBS without the pointer extension.
    step = 3
    oid = oid_der(POINTER_OID)
    found = leaf.find_extension(oid, step)
    if found is None:
        fail(step, "the leaf has no provenance pointer extension")
    position, critical, pointer_value = found
    if critical:
        fail(step, "the provenance pointer extension is marked critical")
    if position != len(leaf.extensions) - 1:
        mismatch(step, "the provenance pointer is not the last extension")
    tbs = leaf.tbs_without(oid, step)
    if sha256(tbs).hex() != digest["sha256"]:
        mismatch(step, f"SHA-256 of the TBS without the pointer is {sha256(tbs).hex()}, "
                   f"the record names {digest['sha256']}")

    # 4. The pointer names this record at the proof's index in the vkey's log.
    step = 4
    record_digest, pointer_origin, pointer_index = parse_pointer(pointer_value, step)
    entry = sha256(envelope_bytes)
    if record_digest != entry:
        mismatch(step, f"the pointer names record {record_digest.hex()}, "
                   f"SHA-256(provenance.dsse.json) is {entry.hex()}")
    _, index, path, checkpoint_note = parse_proof(read(directory, "provenance.tlog-proof", 6))
    name, key_id, public_key = parse_vkey(read(directory, "log.vkey", 5), 5)
    if pointer_index != index:
        mismatch(step, f"the pointer names log index {pointer_index}, the proof is for {index}")
    if pointer_origin != name:
        mismatch(step, f"the pointer names log {pointer_origin!r}, log.vkey is {name!r}")

    # 5. The checkpoint is signed by the log key; its origin is the log's name.
    step = 5
    text, note_signatures = parse_note(checkpoint_note, step)
    verifier = ed25519.Ed25519PublicKey.from_public_bytes(public_key)
    matching = [s for s in note_signatures if s[0] == name and s[1] == key_id]
    if not matching:
        fail(step, f"no checkpoint signature by {name}+{key_id.hex()}")
    for _, _, sig in matching:
        try:
            verifier.verify(sig, text.encode("utf-8"))
        except InvalidSignature:
            fail(step, f"the checkpoint signature by {name}+{key_id.hex()} does not verify")
    origin, size, root = parse_checkpoint_text(text, step)
    if origin != name:
        fail(step, f"the checkpoint origin {origin!r} is not the log key name {name!r}")

    # 6. RFC 9162 inclusion of SHA-256(0x00 || entry) at index in the checkpoint's tree.
    step = 6
    reason = verify_inclusion(index, size, leaf_hash(entry), path, root)
    if reason:
        fail(step, reason)
    return index, size


def new_vkey(name):
    if not valid_key_name(name):
        raise SystemExit(f"invalid key name {name!r}")
    key = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "%s+%s+%s" % (name, note_key_id(name, ED25519_TYPE, key).hex(),
                         base64.b64encode(bytes([ED25519_TYPE]) + key).decode())


def main(argv):
    if len(argv) == 3 and argv[1] == "--new-vkey":
        print(new_vkey(argv[2]))
        return 0
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    result, failures = None, MISMATCHES
    try:
        result = check(argv[1])
    except Failure as f:
        failures = MISMATCHES + [f]
    if failures:
        for f in sorted(failures, key=lambda f: f.step):
            print(f"FAIL step {f.step} ({STEP_NAMES[f.step]}): {f.message}", file=sys.stderr)
        return 1
    print("OK %d %d" % result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
