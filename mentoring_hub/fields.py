from django.db import models


class URLField(models.URLField):
    """A URL field whose forms (admin included) assume https:// when the scheme is left
    out, as Django 6 will; Django 5.2 warns about the old http:// default."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
