"""Cross-check of Tokenscope's RSA1_5 JWE against an independent implementation, Python
`jwcrypto` (Debian's python3-jwcrypto, on `cryptography`), both directions, for
crates/core/tests/jwe_python.rs. node `jose` (tests/idp/jws-cross.mjs) lacks RSA1_5.

  python3 rsa1_5.py make  RECIPIENT.jwk.json
      jwcrypto signs a JWT (ES256, a fresh key) and encrypts it with RSA1_5 for the recipient,
      once per content encryption (`iat` now, `exp` in 5 minutes); prints [{enc, token, verify}] (`verify`: the signer's
      public JWK).
  python3 rsa1_5.py read  RECIPIENT.jwk.json
      reads [{token, verify}] on stdin; jwcrypto decrypts each with the recipient's private
      JWK (RSA1_5 allowed, which jwcrypto leaves out by default) and verifies the inner JWS;
      prints [{ok, alg, enc, cty, inner_alg, payload, error}].
"""

import json
import sys
import time

from jwcrypto import jwe, jwk, jws

ENCS = ["A128GCM", "A192GCM", "A256GCM", "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512"]
CLAIMS = {"iss": "https://issuer.example/", "sub": "tester", "aud": "api", "name": "Zoë ✓"}


def make(recipient):
    signer = jwk.JWK.generate(kty="EC", crv="P-256")
    verify = json.loads(signer.export_public())
    now = int(time.time())
    claims = dict(CLAIMS, iat=now, exp=now + 300)
    inner = jws.JWS(json.dumps(claims).encode("utf-8"))
    inner.add_signature(signer, alg="ES256", protected=json.dumps({"alg": "ES256", "typ": "JWT"}))
    compact = inner.serialize(compact=True)
    public = jwk.JWK(**json.loads(recipient.export_public()))
    out = []
    for enc in ENCS:
        token = jwe.JWE(
            compact.encode("ascii"),
            protected=json.dumps({"alg": "RSA1_5", "enc": enc, "cty": "JWT"}),
            algs=["RSA1_5", enc],
        )
        token.add_recipient(public)
        out.append({"enc": enc, "token": token.serialize(compact=True), "verify": verify})
    return out


def read(recipient, items):
    out = []
    for item in items:
        try:
            token = jwe.JWE(algs=["RSA1_5"] + ENCS)
            token.deserialize(item["token"], key=recipient)
            header = json.loads(token.objects["protected"])
            inner = jws.JWS()
            inner.deserialize(token.payload.decode("ascii"))
            inner.verify(jwk.JWK(**item["verify"]))
            out.append({
                "ok": True,
                "alg": header.get("alg"),
                "enc": header.get("enc"),
                "cty": header.get("cty"),
                "inner_alg": inner.jose_header.get("alg"),
                "payload": json.loads(inner.payload),
                "error": None,
            })
        except Exception as e:  # each token answers for itself
            out.append({"ok": False, "error": f"{type(e).__name__}: {e}"})
    return out


def main():
    mode, key_path = sys.argv[1], sys.argv[2]
    with open(key_path, encoding="utf-8") as f:
        recipient = jwk.JWK(**json.load(f))
    if mode == "make":
        result = make(recipient)
    elif mode == "read":
        result = read(recipient, json.load(sys.stdin))
    else:
        sys.exit(f"unknown mode {mode!r}: make or read")
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
