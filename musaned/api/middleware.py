from django.utils import translation


class ApiLanguageMiddleware:
    """API answers speak the caller's language (Accept-Language), not the site's default:
    API paths carry no language prefix, so LocaleMiddleware would always pick Arabic."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
