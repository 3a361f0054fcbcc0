"""A real OpenID Connect provider on loopback for the sign-in tests: scripts/oidc_provider.py's
(oidc-provider-mock, which `make provider` serves too) in a thread of the test process. Its
users are set here (their claims go into the ID token); its sign-in page is the one an editor's
browser sees.

Its ID tokens name no signing key (`kid`): the site then uses the provider's only key. Token
requests are recorded (the tests check the PKCE code_verifier against the challenge: this
provider keeps no challenge). Tests that play an attacker or a broken provider change the ID
token on its way out (`tamper`), signed again with the provider's own key unless the test says
otherwise.
"""

import base64
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import flask
from authlib import jose
from authlib.jose import jwt as authlib_jwt
from oidc_provider_mock._storage import User

from scripts.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    DEMO_ACCOUNTS,
    DOMAIN,
    provider_app,
    serving,
    site_environment,
)

# The provider's account of a Procesleder who signed in with two factors there.
ANNE = DEMO_ACCOUNTS["procesleder"]


def unverified_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return flask.json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@dataclass
class Provider:
    url: str
    app: flask.Flask
    storage: object
    # Claims of the next ID tokens -> claims to sign instead (None: leave the token as issued).
    tamper: Callable[[dict], dict] | None = None
    # A key to sign tampered tokens with instead of the provider's own.
    tamper_key: object = None
    token_requests: list[dict] = field(default_factory=list)
    paths_asked: list[str] = field(default_factory=list)
    issued_id_tokens: list[str] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return self.url

    def set_user(self, sub: str, **claims) -> None:
        """The provider's account `sub` with these claims (email, name, roles, amr, ...)."""
        self.storage.store_user(User(sub=sub, claims=claims))

    def settings(self) -> dict:
        """The site's settings for this provider (override_settings)."""
        return {
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_ALLOWED_EMAIL_DOMAINS": [DOMAIN],
        }

    def configure(self, settings) -> None:
        """Point the site at this provider (pytest-django's `settings` fixture)."""
        for name, value in self.settings().items():
            setattr(settings, name, value)

    def environment(self) -> dict:
        """The same, as the environment of a served site."""
        return site_environment(self.issuer)

    def sign(self, header: dict, claims: dict, key=None) -> str:
        key = key or self.storage.jwk
        token = authlib_jwt.encode(header, claims, key.as_dict(is_private=True))
        return token.decode()


def another_key():
    """A signing key that is not the provider's."""
    return jose.RSAKey.generate_key(is_private=True)


def _record_and_tamper(provider: Provider) -> None:
    app = provider.app

    @app.before_request
    def record_request():
        provider.paths_asked.append(flask.request.path)
        if flask.request.path == "/oauth2/token":
            provider.token_requests.append(dict(flask.request.form))

    @app.after_request
    def change_id_token(response):
        if flask.request.path != "/oauth2/token" or response.status_code != 200:
            return response
        body = response.get_json()
        if provider.tamper is not None:
            claims = provider.tamper(unverified_claims(body["id_token"]))
            body["id_token"] = provider.sign({"alg": "RS256"}, claims, provider.tamper_key)
            response.set_data(flask.json.dumps(body))
        provider.issued_id_tokens.append(body["id_token"])
        return response


@contextmanager
def running_provider():
    """The provider with no accounts yet (tests set their own), served in a thread."""
    app, storage = provider_app({})
    with serving(app) as url:
        provider = Provider(url=url, app=app, storage=storage)
        _record_and_tamper(provider)
        yield provider
