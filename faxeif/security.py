"""Security headers that Django's SecurityMiddleware does not set: the Content-Security-Policy, the
Permissions-Policy and the Cross-Origin-Resource-Policy, on every response (pages, static files,
documents, uploads that Django serves). (SecurityMiddleware sets HSTS, X-Content-Type-Options,
Referrer-Policy and Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sets X-Frame-Options.)

Public pages get a strict policy: every script and style comes from the site's own files, no
inline code at all. Wagtail 8's admin still has inline scripts and styles (inline panels, choosers,
previews), so under /admin/ the policy allows those, and nothing else: no other hosts, no eval, no
plugins, framed by the site itself only. Previews are public pages that the editor's preview panel
frames: Wagtail renders them through a request for the page's own address (is_preview set), which
passes this middleware before the admin's, so they get the public policy framed by the site
itself. The policies are settings (CONTENT_SECURITY_POLICY, ADMIN_CONTENT_SECURITY_POLICY,
PREVIEW_CONTENT_SECURITY_POLICY) so an environment can extend them.
"""

from django.conf import settings


def header_value(policy: dict[str, list[str]], secure: bool) -> str:
    directives = [" ".join([name, *sources]) for name, sources in policy.items()]
    if secure:
        # Any http:// address left in content is fetched over https instead of being blocked.
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


def both_schemes(policy: dict[str, list[str]]) -> dict[bool, str]:
    return {secure: header_value(policy, secure) for secure in (False, True)}


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.public_policy = both_schemes(settings.CONTENT_SECURITY_POLICY)
        self.admin_policy = both_schemes(settings.ADMIN_CONTENT_SECURITY_POLICY)
        self.preview_policy = both_schemes(settings.PREVIEW_CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        # A view that sets its own policy keeps it (Wagtail's document serving does, and so does
        # a preview inside the admin's preview view).
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policies_for(request)[request.is_secure()]
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        return response

    def policies_for(self, request) -> dict[bool, str]:
        if request.path_info.startswith("/admin/"):
            return self.admin_policy
        # Set by Wagtail once the page is served: true only for its preview requests.
        if getattr(request, "is_preview", False):
            return self.preview_policy
        return self.public_policy
