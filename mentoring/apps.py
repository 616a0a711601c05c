from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentoring")

    def ready(self):
        # The hooks other apps expose, filled in here so that they never import this app.
        from accounts.organisers import ORGANISER_PERMISSIONS
        from accounts.personal_data import BEFORE_DELETE, EXPORTERS
        from events.feeds import PERSONAL_PARTS
        from mentoring import meeting_feed, periodic, relationships  # noqa: F401 (periodic registers its jobs)
        from mentoring.export import export_mentoring
        from mentors import rounds, safety, suggest

        ORGANISER_PERMISSIONS["mentoring"] = {
            # What pairs write stays between them: organisers see states and counts.
            "mentorship": ("view",),
            "mentorshiprequest": ("view",),
            "waitinglistentry": ("view",),
            # Organisers run facilitated groups; who is in a group is theirs to see,
            # applicants' answers are not (not a field in the admin).
            "mentoringgroup": ("add", "change", "delete", "view"),
            "groupmembership": ("view",),
        }
        EXPORTERS.append(export_mentoring)
        BEFORE_DELETE.append(relationships.leaving)
        # Mentorships take mentors' places; mentees with a mentor sit out bulk rounds;
        # a published round's pairs become mentorships; a block parts two people.
        suggest.PLACES_TAKEN.append(relationships.places_taken)
        rounds.ALREADY_MATCHED.append(relationships.mentees_with_a_mentor)
        rounds.PUBLISHED.append(relationships.publish_round)
        safety.blocked.connect(relationships.on_block, dispatch_uid="mentoring.block")
        # Mentoring meetings join each person's private calendar feed.
        PERSONAL_PARTS.append(meeting_feed)
