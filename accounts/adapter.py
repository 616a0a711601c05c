from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from mentoring_hub import mail


class AccountAdapter(DefaultAccountAdapter):
    """allauth's emails leave through the platform's one way to send (queued, with an
    HTML part in the site's look); everything else is allauth's default."""

    def send_mail(self, template_prefix, email, context):
        context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
        message = self.render_mail(template_prefix, email, context)
        mail.queue_message(message)

    def format_email_subject(self, subject):
        return f"[{settings.SITE_NAME}] {subject}"
