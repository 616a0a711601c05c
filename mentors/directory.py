"""Finding mentors: the directory's filters, with the guards on special-category ones."""

from allauth.account.models import EmailAddress
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentors import sensitive
from mentors.models import CareerField, Language, Profile, SensitiveAttribute, Topic

PAGE_SIZE = 20


def may_use_sensitive_filters(viewer):
    return bool(
        viewer is not None
        and viewer.is_authenticated
        and EmailAddress.objects.filter(user=viewer, verified=True).exists()
    )


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, strip=True)
    career_field = forms.ModelChoiceField(
        label=_("Career field"),
        queryset=CareerField.objects.all(),
        required=False,
    )
    topic = forms.ModelChoiceField(
        label=_("Can help with"),
        queryset=Topic.objects.filter(active=True),
        required=False,
    )
    experience = forms.TypedChoiceField(
        label=_("Experience, at least"),
        choices=[("", _("Any")), *Profile.Experience.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    language = forms.ModelChoiceField(
        label=_("Language"),
        queryset=Language.objects.all(),
        to_field_name="code",
        required=False,
    )
    format = forms.ChoiceField(
        label=_("Meets by"), choices=[("", _("Any")), *Profile.Format.choices], required=False
    )
    within_hours = forms.TypedChoiceField(
        label=_("Time zone"),
        choices=[
            ("", _("Anywhere")),
            (0, _("Same as mine")),
            (1, _("Within 1 hour of mine")),
            (3, _("Within 3 hours of mine")),
            (6, _("Within 6 hours of mine")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )

    SENSITIVE = [kind.value for kind in sensitive.Kind]

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("career_field", "topic", "language"):
            self.fields[name].empty_label = _("Any")
        # Distance is measured from the viewer's own profile's time zone.
        self.viewer_offset = None
        if viewer is not None and viewer.is_authenticated:
            self.viewer_offset = (
                Profile.objects.filter(user=viewer).values_list("utc_offset", flat=True).first()
            )
        if self.viewer_offset is None:
            del self.fields["within_hours"]
        self.sensitive_allowed = may_use_sensitive_filters(viewer)
        self.sensitive_refused = False
        if self.sensitive_allowed:
            for kind in sensitive.Kind:
                self.fields[kind.value] = forms.ChoiceField(
                    label=kind.label,
                    choices=[("", _("Any")), *sensitive.searchable_choices(kind)],
                    required=False,
                )
        elif self.data and any(self.data.get(name) for name in self.SENSITIVE):
            self.sensitive_refused = True

    def sensitive_fields(self):
        return [self[name] for name in self.SENSITIVE if name in self.fields]

    def plain_fields(self):
        return [self[name] for name in self.fields if name not in self.SENSITIVE]

    def clean(self):
        cleaned = super().clean()
        uses_sensitive = any(cleaned.get(name) for name in self.SENSITIVE)
        plain = [name for name in self.fields if name not in self.SENSITIVE]
        if uses_sensitive and not any(cleaned.get(name) for name in plain):
            raise forms.ValidationError(
                _(
                    "To filter on EFMP status, race, ethnicity or gender, add at least one "
                    "other filter too, such as a career field or a topic."
                )
            )
        return cleaned


def offset_within(offset, minutes):
    """Profiles whose UTC offset is within `minutes` of `offset`, the short way round
    the clock (UTC+13 and UTC-11 are the same time of day)."""
    q = Q()
    for shift in (-1440, 0, 1440):
        q |= Q(utc_offset__gte=offset + shift - minutes, utc_offset__lte=offset + shift + minutes)
    return q


def sharing(kind, value):
    """Attributes of the outer profile that a search for `value` may use."""
    return SensitiveAttribute.objects.filter(
        profile=OuterRef("pk"),
        kind=kind,
        value=value,
        use__in=[sensitive.Use.SEARCH, sensitive.Use.SHOWN],
    )


def established(profiles, chosen, now=None):
    """Of a sensitive search's matches, those that count toward MIN_GROUP: a verified
    address, an account and chosen values at least ESTABLISHED old (the threat model
    in mentors/sensitive.py: accounts made to make up the number do not count)."""
    cutoff = (now or timezone.now()) - sensitive.ESTABLISHED
    verified = EmailAddress.objects.filter(user=OuterRef("user"), verified=True)
    profiles = profiles.filter(Exists(verified), user__date_joined__lte=cutoff)
    for kind, value in chosen.items():
        profiles = profiles.filter(Exists(sharing(kind, value).filter(consented_at__lte=cutoff)))
    return profiles


def search(viewer, form):
    """(queryset, notice) for a bound, valid DirectoryForm.

    A search that uses a special-category filter and finds fewer than MIN_GROUP
    established people returns nobody, so no small group can be singled out."""
    data = form.cleaned_data
    profiles = Profile.objects.visible_to(viewer).accepting()
    if viewer is not None and viewer.is_authenticated:
        profiles = profiles.exclude(user=viewer)
    if data.get("q"):
        text = data["q"]
        # A subquery, not a join: no duplicate rows, so no DISTINCT over every column.
        topics = Profile.expertise.through.objects.filter(
            profile=OuterRef("pk"), topic__name__icontains=text
        )
        profiles = profiles.filter(
            Q(display_name__icontains=text)
            | Q(headline__icontains=text)
            | Q(bio__icontains=text)
            | Exists(topics)
        )
    if data.get("career_field"):
        profiles = profiles.filter(career_field=data["career_field"])
    if data.get("topic"):
        profiles = profiles.filter(expertise=data["topic"])
    if data.get("experience"):
        profiles = profiles.filter(experience__gte=data["experience"])
    if data.get("language"):
        profiles = profiles.filter(languages=data["language"])
    if data.get("format"):
        profiles = profiles.filter(**{Profile.FORMAT_FIELDS[data["format"]]: True})
    if data.get("within_hours") is not None and form.viewer_offset is not None:
        profiles = profiles.filter(offset_within(form.viewer_offset, data["within_hours"] * 60))
    chosen = {name: data[name] for name in form.SENSITIVE if data.get(name)}
    for kind, value in chosen.items():
        profiles = profiles.filter(Exists(sharing(kind, value)))
    if chosen and established(profiles, chosen).count() < sensitive.MIN_GROUP:
        return Profile.objects.none(), gettext(
            "Fewer than %(n)s mentors match, so we show none: that protects the people "
            "who shared these details. Broaden your search."
        ) % {"n": sensitive.MIN_GROUP}
    return profiles.select_related("career_field", "organisation").prefetch_related("expertise"), ""
