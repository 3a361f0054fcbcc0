"""Security headers that Django's SecurityMiddleware does not set: the Content-Security-Policy, the
Permissions-Policy and the Cross-Origin-Resource-Policy, on every response (pages, static files,
documents, uploads that Django serves). (SecurityMiddleware sets HSTS, X-Content-Type-Options,
Referrer-Policy and Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sets X-Frame-Options.)

Public pages get a strict policy: every script and style comes from the site's own files, no
inline code at all. Wagtail 8's admin still has inline scripts and styles (inline panels, choosers,
previews), so under /admin/ the policy allows those, and nothing else: no other hosts, no eval, no
plugins, framed by the site itself only (the preview panel). The policies are settings
(CONTENT_SECURITY_POLICY, ADMIN_CONTENT_SECURITY_POLICY) so an environment can extend them.
"""

from django.conf import settings


def header_value(policy: dict[str, list[str]], secure: bool) -> str:
    directives = [" ".join([name, *sources]) for name, sources in policy.items()]
    if secure:
        # Any http:// address left in content is fetched over https instead of being blocked.
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.public_policy = {
            secure: header_value(settings.CONTENT_SECURITY_POLICY, secure) for secure in (0, 1)
        }
        self.admin_policy = {
            secure: header_value(settings.ADMIN_CONTENT_SECURITY_POLICY, secure)
            for secure in (0, 1)
        }

    def __call__(self, request):
        response = self.get_response(request)
        # A view that sets its own policy keeps it (Wagtail's document serving does).
        if "Content-Security-Policy" not in response:
            policies = (
                self.admin_policy if request.path_info.startswith("/admin/") else self.public_policy
            )
            response["Content-Security-Policy"] = policies[request.is_secure()]
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        return response
