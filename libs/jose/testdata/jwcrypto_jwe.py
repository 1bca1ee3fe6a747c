#!/usr/bin/python3
"""JWE interop checks of twi's libs/jose/jwe against python3-jwcrypto (Debian package).

Run by libs/jose/jose_interop_test.cc; always with /usr/bin/python3 so that the Debian
jwcrypto is the one tested. Prints one JSON object on stdout; errors go to stderr with a
non-zero exit status. Only twi's algorithms are allowed on the jwcrypto side:
ECDH-ES+A256KW and RSA-OAEP-256 with A256GCM.

  jwcrypto_jwe.py decrypt DIR
      DIR holds NAME.jwe (compact JWEs made by twi) and NAME.key.pem (the recipient's PKCS#8
      private key). Decrypts each JWE with jwcrypto and checks that jwcrypto rejects it after
      one character of its tag is changed. Prints {NAME: {"header": {...},
      "plaintext_hex": "...", "tamper_rejected": bool}}.

  jwcrypto_jwe.py encrypt DIR
      DIR holds NAME.pub.pem (recipients' public keys written by twi). Encrypts a plaintext
      to each with jwcrypto: ECDH-ES+A256KW for EC keys, RSA-OAEP-256 for RSA keys; EC
      recipients get a second JWE, NAME-apu, whose header sets "apu" and "apv" (which enter
      the Concat KDF, RFC 7518 §4.6.2). Prints {NAME: {"compact": "...", "alg": "...",
      "plaintext_hex": "..."}}.
"""

import json
import os
import sys

from jwcrypto import jwe, jwk
from jwcrypto.common import base64url_encode

# One character changed in the middle of the last part (for a JWE: its tag). No bytecode is
# cached next to the imported script: the source tree is not the test's to write in.
sys.dont_write_bytecode = True
from jwcrypto_check import tampered  # pylint: disable=wrong-import-position

ALGORITHMS = ["ECDH-ES+A256KW", "RSA-OAEP-256", "A256GCM"]


def read(directory, name):
    with open(os.path.join(directory, name), "rb") as f:
        return f.read()


def names_with_suffix(directory, suffix):
    """The names of the files in DIRECTORY ending in SUFFIX, without it, sorted."""
    return sorted(n[:-len(suffix)] for n in os.listdir(directory) if n.endswith(suffix))


def decrypt_one(compact, key):
    token = jwe.JWE()
    token.allowed_algs = ALGORITHMS
    token.deserialize(compact, key=key)
    return token


def decrypt(directory):
    out = {}
    for base in names_with_suffix(directory, ".jwe"):
        key = jwk.JWK.from_pem(read(directory, base + ".key.pem"))
        compact = read(directory, base + ".jwe").decode("ascii").strip()
        token = decrypt_one(compact, key)
        try:
            decrypt_one(tampered(compact), key)
            tamper_rejected = False
        except Exception:  # pylint: disable=broad-except
            tamper_rejected = True
        out[base] = {
            "header": json.loads(token.objects["protected"]),
            "plaintext_hex": token.payload.hex(),
            "tamper_rejected": tamper_rejected,
        }
    return out


def encrypt_one(key, alg, plaintext, extra_header):
    header = {"alg": alg, "enc": "A256GCM", "kid": "twi-recipient"}
    header.update(extra_header)
    token = jwe.JWE(plaintext, protected=json.dumps(header))
    token.allowed_algs = ALGORITHMS
    token.add_recipient(key)
    return token.serialize(compact=True)


def encrypt(directory):
    out = {}
    for base in names_with_suffix(directory, ".pub.pem"):
        key = jwk.JWK.from_pem(read(directory, base + ".pub.pem"))
        alg = "ECDH-ES+A256KW" if key.key_type == "EC" else "RSA-OAEP-256"
        cases = [(base, {})]
        if key.key_type == "EC":
            cases.append((base + "-apu", {"apu": base64url_encode(b"jwcrypto"),
                                          "apv": base64url_encode(b"twi")}))
        for case, extra in cases:
            plaintext = ("jwcrypto to twi: %s caf\u00e9 " % case).encode("utf-8") + os.urandom(40)
            out[case] = {"compact": encrypt_one(key, alg, plaintext, extra), "alg": alg,
                         "plaintext_hex": plaintext.hex()}
    return out


MODES = {"decrypt": decrypt, "encrypt": encrypt}


def main(argv):
    mode = MODES.get(argv[1]) if len(argv) == 3 else None
    if mode is None:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(mode(argv[2]), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
