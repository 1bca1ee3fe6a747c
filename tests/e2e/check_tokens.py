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
Errors go to stderr with exit status 1.
"""

import json
import sys

from jwcrypto import jwk, jws, jwt


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


def main(argv):
    kind, token_path, keys_path = argv[1], argv[2], argv[3]
    if kind == "wit":
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
        raise SystemExit("usage: check_tokens.py wit|ear TOKEN KEYS")


if __name__ == "__main__":
    main(sys.argv)
