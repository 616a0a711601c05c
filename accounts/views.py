import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from accounts import emails, personal_data
from accounts.forms import DeleteAccountForm, EmailPreferencesForm
from accounts.models import EmailKind
from mentoring_hub.mail import read_unsubscribe_token


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def email_preferences(request):
    form = EmailPreferencesForm(
        request.POST or None,
        opted_out=emails.opted_out_kinds(request.user),
        digest=request.user.digest_daily,
    )
    if request.method == "POST" and form.is_valid():
        emails.save_preferences(
            request.user,
            opted_out=form.opted_out(),
            digest_daily=form.cleaned_data["digest_daily"],
        )
        messages.success(request, _("Your email preferences are saved."))
        return redirect("me:emails")
    return render(request, "accounts/email_preferences.html", {"form": form})


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to this URL without cookies
# or a CSRF token; the signed token is the authority. GET shows a confirmation button
# (link scanners follow GETs, so a GET must never unsubscribe).
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "accounts/unsubscribe_invalid.html", status=400)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or kind not in EmailKind.values:
        return render(request, "accounts/unsubscribe_invalid.html", status=400)
    label = EmailKind(kind).label
    if request.method == "POST":
        emails.opt_out(user, kind)
        return render(request, "accounts/unsubscribed.html", {"kind_label": label})
    return render(request, "accounts/unsubscribe.html", {"kind_label": label, "token": token})


@require_safe
def terms(request):
    return render(request, "pages/terms.html")


@require_safe
def privacy(request):
    return render(request, "pages/privacy.html")


@require_safe
@login_required
@reauthentication_required
def export_data(request):
    """Everything we hold about the person, as one JSON download (recent sign-in needed:
    it includes what they shared in confidence)."""
    body = json.dumps(personal_data.export(request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mentoring-hub-my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@reauthentication_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        personal_data.delete_account(user)
        messages.success(request, _("Your account and everything in it are deleted. Goodbye."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
