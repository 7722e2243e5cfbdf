#!/usr/bin/env python3
"""Keys, tokens, gateway configurations and a static identity provider for the load benchmark's token kinds.

    token_kinds.py CONFIG_DIR OUT_DIR IDP_URL [TOKEN_LIFETIME_SECONDS]

Generates an HMAC key, an RSA 2048 and an EC P-256 key pair (new on every run, never committed), then for each kind
writes OUT_DIR/KIND/config (a copy of CONFIG_DIR for the Production environment: the stores' secret keys made for the
run, no environment file, and Authentication:Jwt taking keys as the kind says) and OUT_DIR/KIND/token (a bearer token
for sub=bench, tenant=acme, scope=storage:read, valid for two hours unless
TOKEN_LIFETIME_SECONDS says otherwise):

  hs256-static     HS256, the key in SigningKeys (Secret)
  rs256-static     RS256, the public key in SigningKeys (PublicKeyPem)
  rs256-authority  RS256, keys from the OpenID metadata and JWKS at IDP_URL/rs256-authority
  es256-authority  ES256, keys from the OpenID metadata and JWKS at IDP_URL/es256-authority

The authorities' documents go to OUT_DIR/idp/KIND/.well-known/openid-configuration and OUT_DIR/idp/KIND/jwks.json,
for a static file server on OUT_DIR/idp at IDP_URL. Standard library and the openssl command only.
"""
import base64
import hashlib
import hmac
import json
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

config_dir, out, idp_url = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3].rstrip("/")
lifetime = int(sys.argv[4]) if len(sys.argv) > 4 else 7200


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout


def der_ecdsa_to_jose(der, size=32):
    """openssl's DER ECDSA-Sig-Value (SEQUENCE of INTEGER r, s) to JWS's fixed-size r || s."""
    if der[0] != 0x30:
        raise ValueError("not a DER sequence")
    i = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
    raw = b""
    for _ in range(2):
        if der[i] != 0x02:
            raise ValueError("not a DER integer")
        n = der[i + 1]
        raw += der[i + 2:i + 2 + n].lstrip(b"\x00").rjust(size, b"\x00")
        i += 2 + n
    return raw


def sign(key, alg, kid, issuer, audience):
    now = int(time.time())
    header = b64url(json.dumps({"alg": alg, "typ": "JWT", "kid": kid}, separators=(",", ":")).encode())
    payload = b64url(json.dumps({
        "sub": "bench", "tenant": "acme", "scope": "storage:read", "iss": issuer, "aud": audience,
        "iat": now, "nbf": now - 5, "exp": now + lifetime,
    }, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode()
    if alg == "HS256":
        return f"{header}.{payload}.{b64url(hmac.new(key, signing_input, hashlib.sha256).digest())}"
    signature = openssl("dgst", "-sha256", "-sign", str(key), data=signing_input)
    if alg == "ES256":
        signature = der_ecdsa_to_jose(signature)
    return f"{header}.{payload}.{b64url(signature)}"


def rsa_jwk(key_file, kid):
    modulus = openssl("rsa", "-in", str(key_file), "-noout", "-modulus").decode().strip().split("=", 1)[1]
    # The exponent is fixed at generation (rsa_keygen_pubexp:65537).
    return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": b64url(bytes.fromhex(modulus)), "e": "AQAB"}


def ec_jwk(key_file, kid):
    spki = openssl("pkey", "-in", str(key_file), "-pubout", "-outform", "DER")
    # A P-256 SubjectPublicKeyInfo ends with the uncompressed point 04 || x || y.
    point = spki[-65:]
    if len(spki) != 91 or point[0] != 0x04:
        raise ValueError("unexpected EC public key encoding")
    return {"kty": "EC", "use": "sig", "alg": "ES256", "kid": kid, "crv": "P-256",
            "x": b64url(point[1:33]), "y": b64url(point[33:])}


def write_config(kind, jwt):
    target = out / kind / "config"
    shutil.copytree(config_dir, target)
    settings = json.loads((target / "gateway.json").read_text())
    settings["Authentication"]["Jwt"].update(jwt)
    # Production refuses the demo secrets (config/gateway.Development.json): each store gets a secret of this run.
    # The redirect path never calls the store, so any well-formed secret serves.
    for store in settings["Gateway"]["Stores"].values():
        store.setdefault("Credentials", {})["SecretKey"] = secrets.token_urlsafe(30)
    (target / "gateway.json").write_text(json.dumps(settings, indent=2))
    # Production reads no environment file; removed so that no reader can mistake them for part of the setup.
    for environment_file in target.glob("gateway.*.json"):
        environment_file.unlink()


def write_authority(kind, jwk):
    issuer = f"{idp_url}/{kind}"
    docs = out / "idp" / kind
    (docs / ".well-known").mkdir(parents=True)
    (docs / ".well-known" / "openid-configuration").write_text(json.dumps({"issuer": issuer, "jwks_uri": f"{issuer}/jwks.json"}))
    (docs / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
    write_config(kind, {"Authority": issuer, "RequireHttpsMetadata": False, "Issuer": issuer, "SigningKeys": []})
    return issuer


out.mkdir(parents=True, exist_ok=True)
rsa_key, ec_key = out / "rsa.pem", out / "ec.pem"
openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-pkeyopt", "rsa_keygen_pubexp:65537", "-out", str(rsa_key))
openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(ec_key))

jwt = json.loads((config_dir / "gateway.json").read_text())["Authentication"]["Jwt"]
static_issuer, audience = jwt["Issuer"], jwt["Audience"]

hmac_key = secrets.token_bytes(32)
write_config("hs256-static", {"SigningKeys": [{"KeyId": "bench-hs256", "Secret": b64url(hmac_key)}]})
(out / "hs256-static" / "token").write_text(sign(hmac_key, "HS256", "bench-hs256", static_issuer, audience))

write_config("rs256-static", {"SigningKeys": [
    {"KeyId": "bench-rs256", "PublicKeyPem": openssl("pkey", "-in", str(rsa_key), "-pubout").decode()}]})
(out / "rs256-static" / "token").write_text(sign(rsa_key, "RS256", "bench-rs256", static_issuer, audience))

issuer = write_authority("rs256-authority", rsa_jwk(rsa_key, "idp-rs256"))
(out / "rs256-authority" / "token").write_text(sign(rsa_key, "RS256", "idp-rs256", issuer, audience))

issuer = write_authority("es256-authority", ec_jwk(ec_key, "idp-es256"))
(out / "es256-authority" / "token").write_text(sign(ec_key, "ES256", "idp-es256", issuer, audience))
