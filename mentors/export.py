"""The mentors app's part of a person's own data export (theirs alone: the special-
category attributes appear here because the reader is their owner)."""

from accounts.personal_data import iso
from mentors import sensitive
from mentors.models import Mentorship, MentorshipRequest, Profile


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


def export_relationships(profile):
    """Requests, mentorships and what this person wrote in them (not what the other
    person wrote: that is theirs)."""
    requests = MentorshipRequest.objects.involving(profile)
    pairs = Mentorship.objects.involving(profile)
    return {
        "requests": [
            {
                "mentee": r.mentee.display_name,
                "mentor": r.mentor.display_name,
                "message": r.message if r.mentee_id == profile.pk else None,
                "note": r.response_note if r.mentor_id == profile.pk else None,
                "status": r.status,
                "sent_at": iso(r.created_at),
            }
            for r in requests.select_related("mentee", "mentor")
        ],
        "mentorships": [
            {
                "mentor": m.mentor.display_name,
                "mentee": m.mentee.display_name,
                "status": m.status,
                "started_at": iso(m.started_at),
                "ended_at": iso(m.ended_at),
                "messages_sent": [
                    {"body": x.body, "sent_at": iso(x.sent_at)}
                    for x in m.messages.filter(sender=profile)
                ],
                "goals": [{"title": g.title, "status": g.status} for g in m.goals.all()],
                "check_ins": [
                    {"on": c.on.isoformat(), "mood": c.mood, "notes": c.notes}
                    for c in m.checkins.filter(author=profile)
                ],
            }
            for m in pairs.select_related("mentee", "mentor")
        ],
        "groups": [
            {
                "group": m.group.name,
                "status": m.status,
                "answer": m.answer,
                "since": iso(m.queued_at),
            }
            for m in profile.group_memberships.select_related("group")
        ],
        "waiting_lists": [
            {"mentor": w.mentor.display_name if w.mentor else None, "since": iso(w.created_at)}
            for w in profile.waiting.select_related("mentor")
        ],
    }


def export_mentoring(user):
    profile = Profile.objects.filter(user=user).select_related("career_field", "organisation")
    profile = profile.first()
    return {
        "profile": export_profile(profile) if profile else None,
        "mentoring": export_relationships(profile) if profile else None,
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
