"""Real RS256 Firebase ID tokens for "production mode" tests, verified by firebase-admin itself.

firebase-admin checks a production token's header, audience, issuer, expiry and RS256 signature
against Google's published certificates. Offline, a local server publishes this module's own
certificate in the same format ({kid: PEM}), and a dedicated firebase-admin app is pointed at it.
Nothing in firebase-admin's verification is replaced: only where the certificates come from.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from firebase_admin.credentials import Base
from google.auth import crypt, jwt
from google.auth.credentials import AnonymousCredentials

PROJECT = "baketracker-prod-test"


def _key_and_cert() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken.system.gserviceaccount.com")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2)).sign(key, hashes.SHA256()))
    pem_key = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return pem_key, cert.public_bytes(serialization.Encoding.PEM)


class _OfflineCredential(Base):
    """What a Cloud Functions instance gets from its metadata server; verifying tokens never uses it."""

    def get_credential(self) -> AnonymousCredentials:
        return AnonymousCredentials()


@dataclass
class TokenMint:
    """Signs ID tokens the way Firebase Auth does; `verifier` checks them like production."""

    verifier: Any
    _signer: crypt.RSASigner
    _stranger: crypt.RSASigner  # a key the certificate server does not publish

    def token(self, claims: dict[str, Any], *, expires_in: int = 3600, audience: str = PROJECT,
              foreign_key: bool = False) -> str:
        now = int(time.time())
        payload = {"iss": f"https://securetoken.google.com/{PROJECT}", "aud": audience, "auth_time": now - 60,
                   "iat": min(now, now + expires_in - 3600), "exp": now + expires_in, "sub": claims["uid"],
                   "user_id": claims["uid"], "firebase": {"sign_in_provider": "password"}}
        payload |= {k: v for k, v in claims.items() if k != "uid"}
        signer = self._stranger if foreign_key else self._signer
        token: bytes = jwt.encode(signer, payload, header={"kid": signer.key_id})
        return token.decode()


@contextmanager
def production_tokens() -> Iterator[TokenMint]:
    """A certificate server on a free port and a firebase-admin app verifying against it."""
    import firebase_admin
    from firebase_admin import _token_gen

    from functions.shared.auth import TokenVerifier

    pem_key, pem_cert = _key_and_cert()
    signer = crypt.RSASigner.from_string(pem_key, key_id="test-kid-1")
    stranger_key, _ = _key_and_cert()
    stranger = crypt.RSASigner.from_string(stranger_key, key_id="test-kid-1")  # same kid, other key
    published = json.dumps({"test-kid-1": pem_cert.decode()}).encode()

    class Certificates(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "public, max-age=3600")
            self.end_headers()
            self.wfile.write(published)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Certificates)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    original = _token_gen.ID_TOKEN_CERT_URI
    _token_gen.ID_TOKEN_CERT_URI = f"http://127.0.0.1:{server.server_address[1]}/certs"
    app = firebase_admin.initialize_app(_OfflineCredential(), options={"projectId": PROJECT},
                                        name=f"prod-test-{time.monotonic_ns()}")
    try:
        from firebase_admin import auth

        auth._get_client(app)  # builds the app's verifier now, with the local certificate address
    finally:
        _token_gen.ID_TOKEN_CERT_URI = original
    try:
        yield TokenMint(TokenVerifier(app), signer, stranger)
    finally:
        firebase_admin.delete_app(app)
        server.shutdown()
        server.server_close()
