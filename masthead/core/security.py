"""Headers that Django does not set by itself, and the admin's own Content-Security-Policy."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefixes = ("/admin/", "/django-admin/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.path.startswith(self.admin_prefixes):
            # Read by Django's CSP middleware on the way out (it sits outside this one).
            response._csp_config = settings.ADMIN_CSP
        return response


# --- Pages for sources ---------------------------------------------------------------------
# SecureDrop's landing-page rules, as its directory scanner checks them (securedrop.org
# ``scanner/scanner.py``): nothing may keep a copy of the page or tell another site that it
# was visited, and the page may load nothing but its own style sheet. The app sends these on
# the "Contact us securely" page and ``masthead nginx-config`` sends the same for its file.
SOURCE_PAGE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'none'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
SOURCE_PAGE_HEADERS = {
    "Cache-Control": "no-store, no-cache, must-revalidate, max-age=0, private, no-transform",
    "Pragma": "no-cache",
    # An invalid date is "already expired" (RFC 9111, 5.3); the scanner wants exactly -1.
    "Expires": "-1",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Ignored by current browsers; the directory scanner still grades on them.
    "X-XSS-Protection": "1; mode=block",
    "X-Download-Options": "noopen",
    "X-Permitted-Cross-Domain-Policies": "master-only",
}


def source_page_headers_apply(response: HttpResponse) -> HttpResponse:
    """Give ``response`` the source page's headers and policy.

    The response is still the same for every reader, so the static build writes it even
    though it forbids caching: ``same_for_every_reader`` tells the build so (no header can,
    since ``private, no-store`` is what every cache must see).
    """
    for name, value in SOURCE_PAGE_HEADERS.items():
        response.headers[name] = value
    # Read by Django's CSP middleware on the way out, as for the admin above.
    response._csp_config = SOURCE_PAGE_CSP
    response.same_for_every_reader = True
    return response
