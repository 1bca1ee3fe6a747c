#!/usr/bin/python3
"""An independent DSSE v1.0.0 implementation over python3-cryptography, to check twi's.

Written from secure-systems-lab/dsse protocol.md and envelope.md, not from twi's code. Run by
libs/provenance/provenance_interop_test.cc, always with /usr/bin/python3 so that the Debian
python3-cryptography is the one used. Prints one JSON object on stdout; errors go to stderr with
a non-zero exit status.

  dsse_interop.py verify DIR
      DIR holds NAME.dsse.json (JSON envelopes) and NAME.pub.pem (the signer's public key,
      SubjectPublicKeyInfo PEM). For each envelope: decodes it (standard or URL-safe base64,
      padded or not), rebuilds the PAE, and checks that some signature verifies under the key
      (ECDSA P-256/SHA-256 and P-384/SHA-384 as DER or raw r||s, Ed25519 raw). Then checks that
      the same signatures fail once one payload byte or the payloadType is changed. Prints
      {NAME: {"verified", "payload_type", "payload_sha256", "keyids", "tamper_rejected",
      "type_tamper_rejected"}}.

  dsse_interop.py sign DIR
      Makes fresh P-256, P-384 and Ed25519 keys and signs an in-toto Statement with each,
      writing DIR/NAME.dsse.json and DIR/NAME.pub.pem. The envelopes use both base64 forms a
      reader must accept: "ec-p256" standard padded, "ec-p384" URL-safe unpadded, "ed25519"
      standard padded without keyid, and "two-signers" carries a signature by an unknown key
      before the P-256 one. Prints {NAME: {"payload_type", "payload_hex", "keyids"}}.

  dsse_interop.py sign-file PAYLOAD ENVELOPE PUBLIC_KEY KEYID
      Signs the file PAYLOAD as an in-toto payload with a fresh P-256 key, writes the envelope
      (pretty-printed, as tools store them) and the public key. Used once to make
      testdata/slsa-provenance-v1.dsse.json (see testdata/README.md).
"""

import base64
import hashlib
import json
import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

IN_TOTO = "application/vnd.in-toto+json"


def pae(payload_type, body):
    """protocol.md: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body."""
    type_bytes = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(type_bytes), type_bytes, len(body), body)


def b64decode(text):
    """Either alphabet, padding optional (protocol.md: verifiers MUST accept either)."""
    text = text.rstrip("=")
    text += "=" * (-len(text) % 4)
    if "-" in text or "_" in text:
        return base64.urlsafe_b64decode(text)
    return base64.b64decode(text, validate=True)


def verify_one(key, message, sig):
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(sig, message)
            return True
        digest = hashes.SHA256() if key.curve.key_size == 256 else hashes.SHA384()
        size = (key.curve.key_size + 7) // 8
        if len(sig) == 2 * size:  # raw r||s, as in the spec's own test vector
            r = int.from_bytes(sig[:size], "big")
            s = int.from_bytes(sig[size:], "big")
            try:
                key.verify(encode_dss_signature(r, s), message, ec.ECDSA(digest))
                return True
            except InvalidSignature:
                pass
        key.verify(sig, message, ec.ECDSA(digest))
        return True
    except (InvalidSignature, ValueError):
        return False


def verify_envelope(key, payload_type, payload, signatures):
    message = pae(payload_type, payload)
    return any(verify_one(key, message, sig) for sig in signatures)


def verify(directory):
    out = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".dsse.json"):
            continue
        stem = name[: -len(".dsse.json")]
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            envelope = json.load(f)
        with open(os.path.join(directory, stem + ".pub.pem"), "rb") as f:
            key = serialization.load_pem_public_key(f.read())
        payload = b64decode(envelope["payload"])
        payload_type = envelope["payloadType"]
        signatures = [b64decode(s["sig"]) for s in envelope["signatures"]]
        tampered = bytes([payload[0] ^ 1]) + payload[1:]
        out[stem] = {
            "verified": verify_envelope(key, payload_type, payload, signatures),
            "payload_type": payload_type,
            "payload_sha256": hashlib.sha256(payload).hexdigest(),
            "keyids": [s.get("keyid", "") for s in envelope["signatures"]],
            "tamper_rejected": not verify_envelope(key, payload_type, tampered, signatures),
            "type_tamper_rejected": not verify_envelope(
                key, payload_type + "x", payload, signatures
            ),
        }
    return out


def sign_with(key, payload_type, payload):
    message = pae(payload_type, payload)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(message)
    digest = hashes.SHA256() if key.curve.key_size == 256 else hashes.SHA384()
    return key.sign(message, ec.ECDSA(digest))  # DER, as cosign and in-toto store it


def public_pem(key):
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def statement(name):
    body = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": name, "digest": {"sha256": hashlib.sha256(name.encode()).hexdigest()}}],
        "predicateType": "https://example.org/interop/v1",
        "predicate": {"producer": "python3-cryptography", "text": "caf\u00e9 \"quoted\""},
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def b64std(data):
    return base64.b64encode(data).decode("ascii")


def b64url_unpadded(data):
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def sign(directory):
    keys = {
        "ec-p256": ec.generate_private_key(ec.SECP256R1()),
        "ec-p384": ec.generate_private_key(ec.SECP384R1()),
        "ed25519": ed25519.Ed25519PrivateKey.generate(),
    }
    out = {}
    cases = [
        ("ec-p256", "ec-p256", b64std, "python-p256"),
        ("ec-p384", "ec-p384", b64url_unpadded, "python-p384"),
        ("ed25519", "ed25519", b64std, ""),
        ("two-signers", "ec-p256", b64std, "python-p256"),
    ]
    for stem, key_name, encode, keyid in cases:
        key = keys[key_name]
        payload = statement(stem)
        signatures = []
        if stem == "two-signers":
            stranger = ec.generate_private_key(ec.SECP256R1())
            signatures.append(
                {"keyid": "stranger", "sig": encode(sign_with(stranger, IN_TOTO, payload))}
            )
        entry = {"sig": encode(sign_with(key, IN_TOTO, payload))}
        if keyid:
            entry["keyid"] = keyid
        signatures.append(entry)
        envelope = {"payload": encode(payload), "payloadType": IN_TOTO, "signatures": signatures}
        with open(os.path.join(directory, stem + ".dsse.json"), "w", encoding="utf-8") as f:
            json.dump(envelope, f)
        with open(os.path.join(directory, stem + ".pub.pem"), "wb") as f:
            f.write(public_pem(key))
        out[stem] = {
            "payload_type": IN_TOTO,
            "payload_hex": payload.hex(),
            "keyids": [s.get("keyid", "") for s in signatures],
        }
    return out


def sign_file(payload_path, envelope_path, key_path, keyid):
    with open(payload_path, "rb") as f:
        payload = f.read()
    key = ec.generate_private_key(ec.SECP256R1())
    envelope = {
        "payloadType": IN_TOTO,
        "payload": b64std(payload),
        "signatures": [{"keyid": keyid, "sig": b64std(sign_with(key, IN_TOTO, payload))}],
    }
    with open(envelope_path, "w", encoding="utf-8") as f:
        json.dump(envelope, f, indent=2)
        f.write("\n")
    with open(key_path, "wb") as f:
        f.write(public_pem(key))
    return {"payload_sha256": hashlib.sha256(payload).hexdigest()}


def main(argv):
    if len(argv) == 3 and argv[1] == "verify":
        result = verify(argv[2])
    elif len(argv) == 3 and argv[1] == "sign":
        result = sign(argv[2])
    elif len(argv) == 6 and argv[1] == "sign-file":
        result = sign_file(argv[2], argv[3], argv[4], argv[5])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
