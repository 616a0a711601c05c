from django.conf import settings


def site(request):
    """Names every page needs, without putting rules in templates."""
    return {"SITE_NAME": settings.SITE_NAME, "TERMS_VERSION": settings.TERMS_VERSION}
