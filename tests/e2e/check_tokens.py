#!/usr/bin/python3
"""Independent check of twi's issued tokens with python3-jwcrypto (Debian package).

Run by tests/e2e/interop_test.cc with /usr/bin/python3.

  check_tokens.py wit WIT_FILE SPIFFE_BUNDLE_JWKS
      Verifies the WIT with the bundle's "wit-svid" key named by the token's kid; requires
      typ "wit+jwt", an exp in the future, and cnf.jwk with an alg. Prints {"header",
      "claims", "cnf_thumbprint"}.
  check_tokens.py ear EAR_FILE VERIFIER_JWKS
      Verifies the EAR with the verifier key named by kid; requires the EAR -04 profile and
      ear.status in every submod. Prints {"header", "claims"}.
  check_tokens.py sealed SEALED_RECORD AUDITOR_KEY_PEM
      Opens the recipient entry of a Credential Provenance record sealed for auditors
      (docs/provenance.md "Privacy") whose kid is the key's RFC 7638 thumbprint, as a plain
      JWE with the auditor's private key. Prints {"header", "sha256"} (sha256 of the plaintext,
      which must be the log entry) and checks that the plaintext is a DSSE envelope.
Errors go to stderr with exit status 1.
"""

import json
import sys

import hashlib

from jwcrypto import jwe, jwk, jws, jwt


def load_keys(path, use=None):
    with open(path) as f:
        data = json.load(f)
    keys = jwk.JWKSet()
    for entry in data["keys"]:
        if use is not None and entry.get("use") != use:
            continue
        # SPIFFE's "use" values (x509-svid, wit-svid) are not JOSE's "sig", and jwcrypto
        # refuses to verify with a key whose use is not "sig"; the selection is done above.
        entry = {k: v for k, v in entry.items() if k != "use"}
        keys.add(jwk.JWK(**entry))
    return keys


def verify(token_path, keys, allowed):
    with open(token_path) as f:
        token = f.read().strip()
    header = json.loads(jws.base64url_decode(token.split(".")[0]))
    if header.get("alg") not in allowed:
        raise SystemExit("alg %r not allowed" % header.get("alg"))
    key = keys.get_key(header["kid"])
    if key is None:
        raise SystemExit("no key with kid %r" % header["kid"])
    checked = jwt.JWT(jwt=token, key=key, algs=allowed, check_claims={"exp": None})
    return header, json.loads(checked.claims)


def open_sealed(sealed_path, key_path):
    with open(key_path, "rb") as f:
        key = jwk.JWK.from_pem(f.read())
    with open(sealed_path) as f:
        sealed = json.load(f)
    kid = key.thumbprint()
    entries = [e for e in sealed["recipients"] if e["kid"] == kid]
    if len(entries) != 1:
        raise SystemExit("no single recipient entry for kid %r" % kid)
    token = jwe.JWE()
    token.deserialize(entries[0]["jwe"], key=key)
    header = json.loads(token.objects["protected"])
    if header.get("kid") != kid:
        raise SystemExit("the protected header names kid %r" % header.get("kid"))
    envelope = json.loads(token.payload)
    if not {"payload", "payloadType", "signatures"} <= set(envelope):
        raise SystemExit("the plaintext is not a DSSE envelope")
    return header, hashlib.sha256(token.payload).hexdigest()


def main(argv):
    kind, token_path, keys_path = argv[1], argv[2], argv[3]
    if kind == "sealed":
        header, digest = open_sealed(token_path, keys_path)
        print(json.dumps({"header": header, "sha256": digest}))
    elif kind == "wit":
        header, claims = verify(token_path, load_keys(keys_path, "wit-svid"), ["ES256", "ES384"])
        if header.get("typ") != "wit+jwt":
            raise SystemExit("typ is %r" % header.get("typ"))
        cnf = jwk.JWK(**claims["cnf"]["jwk"])
        if "alg" not in claims["cnf"]["jwk"]:
            raise SystemExit("cnf.jwk has no alg")
        print(json.dumps({"header": header, "claims": claims,
                          "cnf_thumbprint": cnf.thumbprint()}))
    elif kind == "ear":
        header, claims = verify(token_path, load_keys(keys_path), ["ES256"])
        if claims.get("eat_profile") != "tag:ietf.org,2026:rats/ear#04":
            raise SystemExit("eat_profile is %r" % claims.get("eat_profile"))
        for name, submod in claims["submods"].items():
            if "ear.status" not in submod and "ear_status" not in submod:
                raise SystemExit("submod %s has no status" % name)
        print(json.dumps({"header": header, "claims": claims}))
    else:
        raise SystemExit("usage: check_tokens.py wit|ear|sealed TOKEN KEYS")


if __name__ == "__main__":
    main(sys.argv)
