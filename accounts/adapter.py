from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from mentoring_hub import mail


class AccountAdapter(DefaultAccountAdapter):
    """allauth's emails leave through the platform's one way to send (the outbox, with an
    HTML part in the site's look); everything else is allauth's default."""

    def send_mail(self, template_prefix, email, context):
        context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
        message = self.render_mail(template_prefix, email, context)
        mail.queue_message(message, kind=template_prefix)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's message, with its subject and text part rendered as plain text:
        allauth renders them as HTML, so an `&` or `'` in a name or the site's name
        reached the inbox as `&amp;` or `&#x27;`. An HTML part, if a template exists,
        stays escaped."""
        request = allauth_context.request
        subject = mail.render_text(f"{template_prefix}_subject.txt", context, request)
        subject = self.format_email_subject(" ".join(subject.split()))
        body = mail.render_text(f"{template_prefix}_message.txt", context, request).strip()
        to = [email] if isinstance(email, str) else email
        message = EmailMultiAlternatives(subject, body, self.get_from_email(), to, headers=headers)
        try:
            html = render_to_string(
                f"{template_prefix}_message.{app_settings.TEMPLATE_EXTENSION}", context, request
            )
        except TemplateDoesNotExist:
            pass
        else:
            message.attach_alternative(html.strip(), "text/html")
        return message

    def format_email_subject(self, subject):
        return f"[{settings.SITE_NAME}] {subject}"
