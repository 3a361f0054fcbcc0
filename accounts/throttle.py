"""Throttled logins and password resets.

Logins: django-axes counts failures per username and client address (AXES_* in settings/base.py);
the login form turns its lockout into the Danish message below. Password resets: the same limit and
window, counted here, because axes watches only logins.
"""

import ipaddress

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from .models import PasswordResetRequest, email_digest


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return (
        f"For mange mislykkede forsøg. Af sikkerhedshensyn er der lukket for flere forsøg med "
        f"dette brugernavn fra din adresse i {lockout_minutes()} minutter. Prøv igen senere, "
        f"eller kontakt en administrator."
    )


def reset_refused_message() -> str:
    return (
        f"Der er bedt om en ny adgangskode for mange gange. Prøv igen om "
        f"{lockout_minutes()} minutter."
    )


def client_ip(request) -> str:
    """The visitor's address. Behind FAXEIF_PROXY_COUNT front servers, each of which appends the
    address it was contacted from to X-Forwarded-For, that is the entry the outermost of them
    added: counting from the right, as entries further left are whatever the client sent."""
    # Empty when gunicorn listens on a Unix socket: then the front server's header is the only
    # address there is, and without one all such requests share the unspecified address.
    remote_addr = request.META.get("REMOTE_ADDR") or "0.0.0.0"
    proxies = settings.FAXEIF_PROXY_COUNT
    if not proxies:
        return remote_addr
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote_addr
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


def client_for_log(username, ip_address, user_agent, path_info, request) -> str:
    """AXES_CLIENT_STR_CALLABLE: how django-axes names the client in its log lines (each failed
    login and each lockout, at warning level): the address and the login page, not the
    username, which is whatever was typed into the form, at times a password typed into the
    wrong field. `manage.py axes_list_attempts` shows the usernames."""
    if isinstance(path_info, (tuple, list)):
        path_info = path_info[0]
    return f"{{ip_address: {ip_address!r}, path_info: {path_info!r}}}"


def login_is_locked_out(request) -> bool:
    """Whether axes refused (or has just locked) the login attempt that this request made."""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: keep the login page that the login form re-rendered with the
    Danish message (it looks like the admin), and answer 429 Too Many Requests."""
    if original_response is None:
        return HttpResponse(lockout_message(), status=429, content_type="text/plain; charset=utf-8")
    original_response.status_code = 429
    return original_response


def allow_password_reset(request, email: str) -> bool:
    """Record a password-reset request, unless the limit for this address and e-mail is reached
    within the window. Requests are counted whether or not the e-mail belongs to an account, so
    the answer never tells which addresses have one."""
    window_start = timezone.now() - settings.AXES_COOLOFF_TIME
    PasswordResetRequest.objects.filter(requested_at__lt=window_start).delete()
    ip_address = client_ip(request)
    digest = email_digest(email)
    recent = PasswordResetRequest.objects.filter(ip_address=ip_address, email_digest=digest)
    if recent.count() >= settings.AXES_FAILURE_LIMIT:
        return False
    PasswordResetRequest.objects.create(ip_address=ip_address, email_digest=digest)
    return True
