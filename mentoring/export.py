"""The mentoring app's part of a person's own data export."""

from accounts.personal_data import iso
from mentoring.models import Mentorship, MentorshipRequest
from mentors.models import Profile


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
    profile = Profile.objects.filter(user=user).first()
    return {"mentoring": export_relationships(profile) if profile else None}
