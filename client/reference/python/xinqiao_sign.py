"""Reference signer for the Xinqiao signed request protocol v1 (docs/protocol.md), in Python.

Needs the `cryptography` package (Debian: python3-cryptography). Run against the test vectors:
    python3 xinqiao_sign.py ../../test-vectors/signing-v1.json
prints one JSON object: for each valid vector, its name -> the token this signer makes.
"""
import base64
import hashlib
import json
import sys
import time
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def body_sha256(body: bytes = b"") -> str:
    """base64url (no padding) of SHA-256 over the exact body bytes; of b"" for no body."""
    return b64url(hashlib.sha256(body).digest())


def compact_json(value) -> bytes:
    # Members in insertion order, no white space, UTF-8 as is (not \\u escapes): what the hub's reference client writes.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _sign(private_jwk: dict, signing_input: bytes) -> bytes:
    if private_jwk["alg"] == "EdDSA":
        return ed25519.Ed25519PrivateKey.from_private_bytes(b64url_decode(private_jwk["d"])).sign(signing_input)
    if private_jwk["alg"] == "ES256":
        d = int.from_bytes(b64url_decode(private_jwk["d"]), "big")
        der = ec.derive_private_key(d, ec.SECP256R1()).sign(signing_input, ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")  # JWS wants r || s, not DER
    raise ValueError("alg must be EdDSA or ES256")


def sign_request(agency_id, private_jwk, hub_id, method, path_with_query, body=b"",
                 sub=None, purpose=None, iat=None, lifetime_seconds=60, jti=None) -> str:
    """The token for one request (send it as `Authorization: Bearer <token>`). Sign every attempt anew."""
    if not 0 < lifetime_seconds <= 300:
        raise ValueError("lifetime must be 1 to 300 seconds")
    iat = int(time.time()) if iat is None else iat
    header = {"alg": private_jwk["alg"], "kid": private_jwk["kid"], "typ": "xinqiao-req+jwt"}
    payload = {"htm": method.upper(), "htu": path_with_query, "bsh": body_sha256(body)}
    if sub is not None:
        payload["sub"] = sub
    if purpose is not None:
        payload["purpose"] = purpose
    payload.update({"iss": agency_id, "aud": hub_id, "iat": iat, "exp": iat + lifetime_seconds,
                    "jti": jti or str(uuid.uuid4())})
    signing_input = b64url(compact_json(header)) + "." + b64url(compact_json(payload))
    return signing_input + "." + b64url(_sign(private_jwk, signing_input.encode("ascii")))


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)
    keys = {k["kid"]: k for k in vectors["keys"]}
    out = {}
    for v in vectors["valid"]:
        key, req = keys[v["kid"]], v["request"]
        out[v["name"]] = sign_request(
            key["agencyId"], key["privateJwk"], vectors["hubId"], req["method"], req["pathWithQuery"],
            req.get("body", "").encode("utf-8"), req.get("sub"), req.get("purpose"), req["iat"],
            req["lifetimeSeconds"], req["jti"])
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
