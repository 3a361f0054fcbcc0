"""An OpenID Connect provider on loopback, to try "Log ind med kommunens konto" without the
municipality's Entra ID (`make provider`), and for the sign-in tests (tests/support/oidc.py).

It is oidc-provider-mock (Flask and Authlib, from PyPI), a real provider: discovery document,
sign-in page, token endpoint, signed ID tokens, userinfo, end-session page. `make provider` serves
it with three accounts, each a button on its sign-in page, and prints the settings for
`make run`:

- procesleder: a Procesleder who signed in with two factors at the provider;
- uden-mfa: a Procesleder who signed in with a password only (the site asks for its own code);
- medarbejder: a colleague whose account gives no access to the site.

Run from the project's root: .venv/bin/python scripts/oidc_provider.py (PROVIDER_PORT, default
9400). Ctrl-C stops it.
"""

import os
import sys
import threading
from contextlib import contextmanager

import flask
import oidc_provider_mock
from oidc_provider_mock._storage import User
from werkzeug.serving import make_server

CLIENT_ID = "faxeif-test"
CLIENT_SECRET = "test-client-secret"
DOMAIN = "faxekommune.dk"


def account(name: str, roles: list[str], amr: list[str]) -> dict:
    """Claims as Entra ID sends them: the app role in `roles`, the sign-in methods in `amr`."""
    given_name, family_name = name.split(" ", 1)
    return {
        "email": f"{given_name.lower()}.{family_name.lower()}@{DOMAIN}",
        "name": name,
        "given_name": given_name,
        "family_name": family_name,
        "roles": roles,
        "amr": amr,
    }


DEMO_ACCOUNTS = {
    "procesleder": account("Anne Jensen", ["Procesleder"], ["pwd", "mfa"]),
    "uden-mfa": account("Bo Hansen", ["Procesleder"], ["pwd"]),
    "medarbejder": account("Ole Olsen", ["Medarbejder"], ["pwd", "mfa"]),
}


def site_environment(url: str) -> dict[str, str]:
    """The site's settings for a provider at `url` (accounts/sso.py, settings/base.py)."""
    return {
        "OIDC_ISSUER": url,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_ALLOWED_EMAIL_DOMAINS": DOMAIN,
    }


def provider_app(accounts: dict[str, dict]):
    """The provider's Flask app and its storage (users, signing key), with `accounts`."""
    # Authlib refuses plain http unless told: this provider listens on loopback only.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    app = oidc_provider_mock.app(
        require_nonce=True,
        issue_refresh_token=False,
        user_claims=[User(sub=sub, claims=claims) for sub, claims in accounts.items()],
    )
    with app.test_request_context():
        app.preprocess_request()
        storage = flask.g.oidc_provider_mock_storage
    return app, storage


@contextmanager
def serving(app, port: int = 0):
    """Serve `app` on 127.0.0.1:`port` (0: any free port) in a thread; its base URL."""
    http = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        thread.join(5)
        http.server_close()


def main() -> None:
    app, _ = provider_app(DEMO_ACCOUNTS)
    with serving(app, int(os.environ.get("PROVIDER_PORT", "9400"))) as url:
        settings = " ".join(f"{name}={value}" for name, value in site_environment(url).items())
        print(f"OpenID Connect provider at {url} (accounts: {', '.join(DEMO_ACCOUNTS)})")
        print("Serve the site with it:")
        print(f"  {settings} make run", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("Stopped.", file=sys.stderr)


if __name__ == "__main__":
    main()
