"""Sign-in with the municipality's account: OpenID Connect, authorization code flow with PKCE,
through mozilla-django-oidc (which does the protocol: state, nonce, PKCE, the token request, the
signature check against the provider's keys). What this module adds is the site's policy:

- the provider's endpoints come from its discovery document, read when first needed, so the
  site starts (and password logins work) while the provider is down;
- the ID token must be for this site (aud, and azp when there are several audiences), from the
  configured issuer, unexpired and issued with a date; mozilla-django-oidc checks none of these;
- the editor is found by the provider's subject (accounts.models.ProviderAccount), or the first
  time by e-mail address, and created from the token's claims otherwise; an e-mail address
  outside OIDC_ALLOWED_EMAIL_DOMAINS, an administrator's account, and someone without the
  Procesleder role are refused;
- membership of Procesleder follows the role claim at every sign-in; nobody gains a staff or
  superuser flag here;
- the session remembers whether the provider did multi-factor authentication (amr/acr), which
  accounts.middleware.TwoFactorMiddleware accepts in place of the site's own code.

Each refusal raises SignInRefused with the Danish message the login page shows.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify, import_from_settings

from .models import ProviderAccount

logger = logging.getLogger(__name__)

PROCESLEDER_GROUP = "Procesleder"  # made by home/migrations/0003_procesleder_group.py
# Session keys: the sign-in was the provider's and it did multi-factor authentication.
PROVIDER_MFA_SESSION_KEY = "accounts_provider_mfa"
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # where mozilla-django-oidc keeps it (OIDC_STORE_ID_TOKEN)
# Clocks of the site and the provider may differ a little.
CLOCK_LEEWAY_SECONDS = 60

PROVIDER_DOWN = (
    "Kommunens login svarer ikke lige nu. Prøv igen om lidt, eller log ind med brugernavn og "
    "adgangskode."
)
INVALID_ANSWER = (
    "Svaret fra kommunens login kunne ikke godkendes, så du er ikke logget ind. Prøv igen."
)
EXPIRED_ANSWER = "Svaret fra kommunens login var udløbet, så du er ikke logget ind. Prøv igen."
USED_ANSWER = (
    "Dette login er allerede brugt eller for gammelt, så du er ikke logget ind. Start forfra "
    "med »Log ind med kommunens konto«."
)
CANCELLED = "Login hos kommunens login blev afbrudt. Du er ikke logget ind."
PROVIDER_SESSION_ENDED = "Din session hos kommunens login er slut. Log ind igen."
FOREIGN_DOMAIN = (
    "Du kan kun logge ind med en e-mailadresse fra kommunen. Kommunens login oplyste en anden "
    "adresse, så du er ikke logget ind."
)
NO_EMAIL = "Kommunens login oplyste ingen e-mailadresse, så du kan ikke logges ind."
NO_ROLE = (
    "Din konto hos kommunen giver ikke adgang til at redigere Faxe i Fællesskab. Kontakt "
    "kommunens it-afdeling, hvis du skal have adgang."
)
ADMINISTRATOR = (
    "Administratorer logger ind med brugernavn og adgangskode, ikke med kommunens konto."
)
TRY_AGAIN = "Du blev ikke logget ind. Prøv igen."
INACTIVE = "Din konto på Faxe i Fællesskab er lukket. Kontakt en administrator."
AMBIGUOUS = (
    "Der findes flere konti med din e-mailadresse, så du kan ikke logges ind med kommunens "
    "konto. Kontakt en administrator."
)


class SignInRefused(Exception):
    """A sign-in through the provider that must not log anyone in; message is for the editor,
    reason for the log."""

    def __init__(self, message: str, reason: str):
        super().__init__(reason)
        self.message = message
        self.reason = reason


def sso_enabled() -> bool:
    """Whether "Log ind med kommunens konto" is offered (settings/base.py says when)."""
    return bool(settings.OIDC_OP_ISSUER and settings.OIDC_RP_CLIENT_ID)


# The settings mozilla-django-oidc reads, and the discovery document's names for them.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}
_discovered: dict[str, dict] = {}


def discovery(issuer: str) -> dict:
    """The provider's discovery document, fetched once per process; a failure is not kept, so
    the next sign-in tries again. Its issuer must be the configured one (OpenID Connect
    Discovery 1.0, section 4.3)."""
    if issuer not in _discovered:
        response = requests.get(
            f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
        if document.get("issuer") != issuer:
            raise requests.RequestException(f"discovery names issuer {document.get('issuer')!r}")
        _discovered[issuer] = document
    return _discovered[issuer]


def provider_setting(attr, *default):
    """mozilla-django-oidc's settings, the endpoints filled in from the discovery document
    when not set one by one."""
    if attr in DISCOVERED and not getattr(settings, attr, ""):
        value = discovery(settings.OIDC_OP_ISSUER).get(DISCOVERED[attr])
        if value:
            return value
        if default:
            return default[0]
        raise requests.RequestException(f"the provider names no {DISCOVERED[attr]}")
    return import_from_settings(attr, *default)


class ProviderSettings:
    """For mozilla-django-oidc's classes, which read their settings in __init__ (once per
    request, and for the backend at every password login too): endpoints read when used."""

    get_settings = staticmethod(provider_setting)

    OIDC_OP_AUTHORIZATION_ENDPOINT = property(
        lambda self: provider_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
    )
    OIDC_OP_AUTH_ENDPOINT = OIDC_OP_AUTHORIZATION_ENDPOINT  # the request view's name for it
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: provider_setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: provider_setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: provider_setting("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)


def callback_path() -> str:
    return reverse("oidc_authentication_callback")


class MunicipalAccountBackend(ProviderSettings, OIDCAuthenticationBackend):
    """Authenticates the provider's answer at the callback; every other authenticate() call (a
    password login) passes on at once."""

    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs):
        # Not mozilla-django-oidc's __init__, which would read (and discover) the endpoints.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or not sso_enabled() or request.path != callback_path():
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """The signature (by the provider's key, with the one algorithm this site accepts),
        and what mozilla-django-oidc leaves out: audience, issuer, expiry."""
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=settings.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "aud", "iss", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise SignInRefused(EXPIRED_ANSWER, "expired ID token") from error
        except jwt.PyJWTError as error:
            raise SignInRefused(INVALID_ANSWER, f"ID token refused: {error}") from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != settings.OIDC_RP_CLIENT_ID:
            raise SignInRefused(INVALID_ANSWER, "ID token for several audiences, not by us")
        return claims

    def retrieve_matching_jwk(self, token):
        try:
            if "kid" in jwt.get_unverified_header(token):
                return super().retrieve_matching_jwk(token)
            return self.only_key()
        except (KeyError, jwt.PyJWTError) as error:
            raise SignInRefused(INVALID_ANSWER, f"no key for the ID token: {error}") from error

    def only_key(self):
        """A token without a key id is signed by the provider's only key (OpenID Connect Core
        10.1 requires the id when there are several)."""
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = response.json()["keys"]
        if len(keys) != 1:
            raise SignInRefused(INVALID_ANSWER, f"no key id, and {len(keys)} keys")
        return jwt.PyJWK(keys[0])

    def verify_token(self, token, **kwargs):
        try:
            return super().verify_token(token, **kwargs)
        except jwt.PyJWTError as error:  # a token that is not a JWT at all
            raise SignInRefused(INVALID_ANSWER, f"ID token unreadable: {error}") from error

    def get_userinfo(self, access_token, id_token, payload):
        """The verified ID token's claims (roles, groups and amr are there, not at Entra ID's
        userinfo endpoint); the userinfo endpoint only for a name or address the token
        lacks."""
        claims = dict(payload)
        if not claims.get("email") or not claims.get("name"):
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") == payload["sub"]:
                for name in ("email", "name", "given_name", "family_name"):
                    claims.setdefault(name, info.get(name))
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        email = allowed_email(claims)
        if not has_procesleder_role(claims):
            with transaction.atomic():
                # Removed at the provider: the rights go now, though nobody is signed in.
                if user := find_editor(claims, email):
                    user.groups.remove(*Group.objects.filter(name=PROCESLEDER_GROUP))
            raise SignInRefused(NO_ROLE, f"{email} has no {settings.OIDC_PROCESLEDER_VALUE} role")
        user = find_or_create_editor(claims, email)
        user.provider_did_mfa = did_mfa(claims)
        return user


def allowed_email(claims: dict) -> str:
    email = (claims.get("email") or "").strip().lower()
    if not email:
        raise SignInRefused(NO_EMAIL, "no e-mail claim")
    _, _, domain = email.rpartition("@")
    if domain not in settings.OIDC_ALLOWED_EMAIL_DOMAINS:
        raise SignInRefused(FOREIGN_DOMAIN, f"e-mail domain {domain!r} not allowed")
    return email


def has_procesleder_role(claims: dict) -> bool:
    value = claims.get(settings.OIDC_PROCESLEDER_CLAIM)
    values = value if isinstance(value, list) else [value]
    return settings.OIDC_PROCESLEDER_VALUE in values


def did_mfa(claims: dict) -> bool:
    methods = claims.get("amr") or []
    if isinstance(methods, str):
        methods = [methods]
    return bool(set(methods) & set(settings.OIDC_MFA_AMR_VALUES)) or (
        claims.get("acr") in settings.OIDC_MFA_ACR_VALUES
    )


def find_editor(claims: dict, email: str):
    """The editor linked to this subject; else, the first time, the one account with this
    e-mail address (an editor who had a password account before); else None."""
    link = (
        ProviderAccount.objects.select_related("user")
        .filter(issuer=settings.OIDC_OP_ISSUER, subject=claims["sub"])
        .first()
    )
    if link:
        user = link.user
    else:
        matches = list(
            get_user_model()
            .objects.filter(email__iexact=email, provider_account__isnull=True)
            .order_by("pk")[:2]
        )
        if len(matches) > 1:
            raise SignInRefused(AMBIGUOUS, f"several accounts with {email}")
        if not matches:
            return None
        user = matches[0]
    if user.is_superuser:
        raise SignInRefused(ADMINISTRATOR, f"{user.get_username()} is an administrator")
    if not user.is_active:
        raise SignInRefused(INACTIVE, f"{user.get_username()} is inactive")
    return user


def find_or_create_editor(claims: dict, email: str):
    """The editor, up to date. Two first sign-ins of the same person at the same moment (two
    tabs, a double click) both find no one: the second to create stops at the unique username
    or subject and, once the first has committed, finds the editor it made."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                user = find_editor(claims, email) or create_editor(claims, email)
                update_editor(user, claims, email)
                return user
        except IntegrityError as error:
            logger.info("Sign-in of %s raced another (attempt %d): %s", email, attempt + 1, error)
    raise SignInRefused(TRY_AGAIN, f"{email} could not be saved")


def create_editor(claims: dict, email: str):
    """A new editor named by the e-mail address, without a password: they sign in through
    the provider only."""
    model = get_user_model()
    username = email
    if model.objects.filter(username__iexact=username).exists():
        username = f"{email}-{claims['sub']}"[:150]
    user = model(username=username, email=email)
    user.set_unusable_password()
    user.save()
    return user


def update_editor(user, claims: dict, email: str) -> None:
    """Name and address as the provider says now, the link to the subject, and membership of
    Procesleder (the caller has checked the role)."""
    first_name, last_name = names(claims)
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.save(update_fields=["first_name", "last_name", "email"])
    ProviderAccount.objects.update_or_create(
        user=user,
        defaults={
            "issuer": settings.OIDC_OP_ISSUER,
            "subject": claims["sub"],
            "last_sign_in": timezone.now(),
        },
    )
    user.groups.add(Group.objects.get(name=PROCESLEDER_GROUP))


def names(claims: dict) -> tuple[str, str]:
    given, family = claims.get("given_name") or "", claims.get("family_name") or ""
    if not (given or family):
        given, _, family = (claims.get("name") or "").strip().rpartition(" ")
        if not given:
            given, family = family, ""
    return given[:150], family[:150]


def remember_sign_in(request, user) -> None:
    """After the login: whether the provider did multi-factor authentication, for the rest of
    this session (a silent re-check sets it again)."""
    request.session[PROVIDER_MFA_SESSION_KEY] = bool(getattr(user, "provider_did_mfa", False))


def provider_did_mfa(request) -> bool:
    return bool(request.session.get(PROVIDER_MFA_SESSION_KEY))


def provider_logout_url(request, id_token: str) -> str | None:
    """The provider's end-session address (RP-Initiated Logout 1.0), coming back to the admin's
    login page; None when the provider has none or cannot be reached."""
    try:
        endpoint = provider_setting("OIDC_OP_LOGOUT_ENDPOINT", "")
    except requests.RequestException:
        logger.warning("Sign-in provider unreachable at logout; logged out here only")
        return None
    if not endpoint:
        return None
    query = {
        "id_token_hint": id_token,
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": absolutify(request, reverse("wagtailadmin_login")),
    }
    return f"{endpoint}?{urlencode(query)}"
