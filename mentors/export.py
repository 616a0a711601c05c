"""The mentors app's part of a person's own data export (theirs alone: the special-
category attributes appear here because the reader is their owner)."""

from accounts.personal_data import iso
from mentors import sensitive
from mentors.models import Profile


def export_profile(profile):
    return {
        "role": profile.role,
        "display_name": profile.display_name,
        "headline": profile.headline,
        "bio": profile.bio,
        "career_field": profile.career_field_name,
        "organisation": profile.organisation_name,
        "experience": profile.get_experience_display() if profile.experience else None,
        "expertise": [t.name for t in profile.expertise.all()],
        "goals": [t.name for t in profile.goals.all()],
        "languages": [language.code for language in profile.languages.all()],
        "time_zone": profile.time_zone,
        "meeting_formats": [str(f) for f in profile.formats],
        "availability": profile.availability,
        "capacity": profile.capacity if profile.is_mentor else None,
        "accepting_mentees": profile.accepting_mentees if profile.is_mentor else None,
        "visibility": profile.visibility,
        "contact": {
            "share_email": profile.share_email,
            "phone": profile.phone,
            "other": profile.contact_note,
        },
        "photo": profile.photo.url if profile.photo else None,
        "created_at": iso(profile.created_at),
        "updated_at": iso(profile.updated_at),
        "sensitive_attributes": [
            {
                "attribute": attr.kind,
                "value": attr.value,
                "value_label": str(sensitive.label(attr.kind, attr.value)),
                "use": attr.use,
                "consented_at": iso(attr.consented_at),
            }
            for attr in profile.sensitive_attributes.order_by("kind")
        ],
    }


def export_own_data(user):
    profile = Profile.objects.filter(user=user).select_related("career_field", "organisation")
    profile = profile.first()
    return {
        "profile": export_profile(profile) if profile else None,
        "consent_records": [
            {"attribute": r.kind, "choice": r.use, "recorded_at": iso(r.recorded_at)}
            for r in user.consent_records.all()
        ],
        "reports_made": [
            {
                "profile": r.profile.display_name,
                "reason": r.reason,
                "note": r.note,
                "status": r.status,
                "reported_at": iso(r.created_at),
            }
            for r in user.reports_made.select_related("profile")
        ],
        "blocked_members": [
            {
                # Blocks are made from a profile page; a profile goes only with its account.
                "member": b.blocked.profile.display_name,
                "since": iso(b.created_at),
            }
            for b in user.blocks_made.select_related("blocked__profile")
        ],
    }
