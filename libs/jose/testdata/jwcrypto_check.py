#!/usr/bin/python3
"""Interop checks of twi's libs/jose against python3-jwcrypto (Debian package).

Run by libs/jose/jose_interop_test.cc; always with /usr/bin/python3 so that the Debian
jwcrypto is the one tested. Prints one JSON object on stdout; errors go to stderr with a
non-zero exit status.

  jwcrypto_check.py verify DIR
      DIR holds jwks.json (public keys written by twi) and NAME.jwt files (JWTs signed by
      twi). Verifies each JWT with jwcrypto, restricted to twi's algorithms and selecting the
      key by "kid", and checks that jwcrypto rejects the JWT after one signature character
      is changed. Prints {"tokens": {NAME: {"header": {...}, "claims": {...},
      "tamper_rejected": bool}}, "thumbprints": {KID: RFC 7638 thumbprint}}.

  jwcrypto_check.py generate DIR
      Generates EC P-256, EC P-384, Ed25519 and RSA-2048 keys, signs one JWT each with
      ES256, ES384 and EdDSA and two with the RSA key (RS256, PS256), and writes DIR/jwks.json
      (public keys only) and DIR/tokens.json: {"tokens": {NAME: {"compact", "alg", "kid",
      "claims"}}, "thumbprints": {KID: thumbprint}}. Prints tokens.json. Claims use fixed
      times (iat = nbf = ISSUED_AT, exp = ISSUED_AT + 600) so checks are deterministic.
      libs/jose/testdata/jwcrypto_{jwks,tokens}.json are one captured run of this mode.
"""

import json
import os
import sys

from jwcrypto import jwk, jwt

ALGORITHMS = ["ES256", "ES384", "EdDSA", "RS256", "PS256"]
ISSUED_AT = 1790000000
ISSUER = "https://jwcrypto.example"
AUDIENCE = "twi-test"

# (token name, key id, algorithm)
TOKENS = [
    ("es256", "ec-p256", "ES256"),
    ("es384", "ec-p384", "ES384"),
    ("eddsa", "ed25519", "EdDSA"),
    ("rs256", "rsa-2048", "RS256"),
    ("ps256", "rsa-2048", "PS256"),
]


def tampered(compact):
    """The token with one character in the middle of its signature changed."""
    cut = compact.rindex(".") + (len(compact) - compact.rindex(".")) // 2
    replacement = "A" if compact[cut] != "A" else "B"
    return compact[:cut] + replacement + compact[cut + 1:]


def verify(directory):
    with open(os.path.join(directory, "jwks.json"), encoding="utf-8") as f:
        keyset = jwk.JWKSet.from_json(f.read())
    out = {"tokens": {}, "thumbprints": {}}
    for key in keyset:
        out["thumbprints"][key.key_id] = key.thumbprint()
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".jwt"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            compact = f.read().strip()
        token = jwt.JWT(jwt=compact, key=keyset, algs=ALGORITHMS, check_claims=False)
        try:
            jwt.JWT(jwt=tampered(compact), key=keyset, algs=ALGORITHMS, check_claims=False)
            tamper_rejected = False
        except Exception:  # pylint: disable=broad-except
            tamper_rejected = True
        out["tokens"][name[:-len(".jwt")]] = {
            "header": json.loads(token.header),
            "claims": json.loads(token.claims),
            "tamper_rejected": tamper_rejected,
        }
    return out


def generate(directory):
    keys = {
        "ec-p256": jwk.JWK.generate(kty="EC", crv="P-256", kid="ec-p256"),
        "ec-p384": jwk.JWK.generate(kty="EC", crv="P-384", kid="ec-p384"),
        "ed25519": jwk.JWK.generate(kty="OKP", crv="Ed25519", kid="ed25519"),
        "rsa-2048": jwk.JWK.generate(kty="RSA", size=2048, kid="rsa-2048"),
    }
    keyset = jwk.JWKSet()
    for key in keys.values():
        keyset.add(key)
    out = {"tokens": {}, "thumbprints": {kid: key.thumbprint() for kid, key in keys.items()}}
    for name, kid, alg in TOKENS:
        claims = {
            "iss": ISSUER,
            "sub": "spiffe://example.org/workload/" + name,
            "aud": [AUDIENCE, "someone-else"],
            "iat": ISSUED_AT,
            "nbf": ISSUED_AT,
            "exp": ISSUED_AT + 600,
            "signed_with": alg,
        }
        token = jwt.JWT(header={"alg": alg, "kid": kid, "typ": "wit+jwt"}, claims=claims)
        token.make_signed_token(keys[kid])
        out["tokens"][name] = {"compact": token.serialize(), "alg": alg, "kid": kid,
                               "claims": claims}
    with open(os.path.join(directory, "jwks.json"), "w", encoding="utf-8") as f:
        f.write(keyset.export(private_keys=False))
    with open(os.path.join(directory, "tokens.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, sort_keys=True, indent=1)
    return out


def main(argv):
    if len(argv) != 3 or argv[1] not in ("verify", "generate"):
        print(__doc__, file=sys.stderr)
        return 2
    result = verify(argv[2]) if argv[1] == "verify" else generate(argv[2])
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
