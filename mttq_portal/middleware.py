from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.utils import translation
from django.utils.cache import patch_vary_headers


class VietnameseFirstLocaleMiddleware:
    """Choose the language from the visitor's explicit choice (the language cookie), else Vietnamese.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a phone set to English
    would never see the Vietnamese portal; the portal is Vietnamese first (ADR 0002). API clients
    may still ask for English error messages with Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
            if request.path.startswith(("/api/", "/open311/")):
                accepted = translation.get_language_from_request(request)
                if accepted in self.supported:
                    language = accepted
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language)
        return response


API_PREFIXES = ("/api/", "/open311/")


class ApiNoStoreMiddleware:
    """Every API and Open311 response says ``Cache-Control: no-store``: item data, tokens' answers and errors
    must not stay in a shared proxy or a browser cache (the HTML pages of staff set their own rules)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIXES):
            response["Cache-Control"] = "no-store"
        return response


class StrictUtf8FormMiddleware:
    """Refuses a form body or query string that is not valid UTF-8 (400) instead of letting Django replace
    the bad bytes with "\\ufffd" and store the damaged text, and a query string that carries a NUL character
    (``%00``), which PostgreSQL cannot compare with any text: a search box or a filter never sends one. Multipart
    fields are decoded by Django's parser with the same charset; only url-encoded bodies and query strings are
    checked here (no upload is read). A NUL typed into a form field is the form's to refuse, field by field,
    keeping what was typed."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _valid(raw: bytes, *, nul_allowed: bool) -> bool:
        try:
            for part in raw.split(b"&"):
                text = unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
                if not nul_allowed and "\x00" in text:
                    return False
        except UnicodeDecodeError:
            return False
        return True

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        body_ok = True
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            body_ok = self._valid(request.body, nul_allowed=True)
        if not (body_ok and self._valid(query, nul_allowed=False)):
            from .views import error_400

            return error_400(request, SuspiciousOperation("invalid UTF-8 or a NUL character"))
        return self.get_response(request)
