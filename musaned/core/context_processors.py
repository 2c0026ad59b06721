from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def platform(request):
    """The support details in the footer, the link to the same page in the other language,
    and whether this deployment is a demonstration (the banner on every page)."""
    current = get_language() or settings.LANGUAGE_CODE
    other = "en" if current.startswith("ar") else "ar"
    return {
        "support_phone": settings.MUSANED_SUPPORT_PHONE,
        "support_email": settings.MUSANED_SUPPORT_EMAIL,
        "other_language": other,
        "other_language_url": translate_url(request.get_full_path(), other),
        "demo_deployment": settings.MUSANED_DEMO_DEPLOYMENT,
    }
