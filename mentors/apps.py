from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


def delete_photo_files(sender, instance, **kwargs):
    instance.delete_photo_files()


class MentorsConfig(AppConfig):
    name = "mentors"
    verbose_name = _("Mentors")

    def ready(self):
        from accounts.organisers import ORGANISER_PERMISSIONS
        from accounts.personal_data import BEFORE_DELETE, EXPORTERS
        from mentors import suggest
        from mentors.export import export_mentoring
        from mentors.relationships import leaving as relationships_leaving

        # Special-category attributes and consent records are deliberately absent:
        # organisers see those only as suppressed counts.
        ORGANISER_PERMISSIONS["mentors"] = {
            "careerfield": ("add", "change", "delete", "view"),
            "organisation": ("add", "change", "delete", "view"),
            "topic": ("add", "change", "delete", "view"),
            "language": ("add", "change", "delete", "view"),
            "profile": ("change", "view"),
            "report": ("change", "view"),
            "matchingsettings": ("change", "view"),
            "matchinground": ("add", "change", "delete", "view"),
            "roundpair": ("view",),
            "roundrule": ("add", "change", "delete", "view"),
            # What pairs write stays between them: organisers see states and counts.
            "mentorship": ("view",),
            "mentorshiprequest": ("view",),
            "waitinglistentry": ("view",),
            # Organisers run facilitated groups; who is in a group is theirs to see,
            # applicants' answers are not (not a field in the admin).
            "mentoringgroup": ("add", "change", "delete", "view"),
            "groupmembership": ("view",),
            # Recognition: moderate what members offer, pick Mentors of the Month,
            # write guides. Private thank-you notes never reach the admin.
            "thankyou": ("change", "view"),
            "story": ("change", "delete", "view"),
            "nomination": ("change", "view"),
            "mentorofthemonth": ("add", "change", "delete", "view"),
            "guide": ("add", "change", "delete", "view"),
        }
        EXPORTERS.append(export_mentoring)
        BEFORE_DELETE.append(relationships_leaving)
        # Cascades (account deletion) and bulk deletes skip Model.delete().
        post_delete.connect(
            delete_photo_files, sender="mentors.Profile", dispatch_uid="mentors.photo_files"
        )
        # Anything that can change a suggestion or the directory makes every process
        # rebuild its arrays and retires the directory's stored pages.
        models = ("Profile", "Topic", "Language", "CareerField", "Organisation", "MatchingSettings")
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(
                    suggest.matrix_changed,
                    sender=f"mentors.{model}",
                    weak=False,
                    dispatch_uid=f"mentors.matrix.{signal is post_save}.{model}",
                )
        post_save.connect(
            suggest.account_changed,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="mentors.accounts",
        )
        from mentors.models import Profile

        for through in (Profile.expertise.through, Profile.languages.through):
            m2m_changed.connect(
                suggest.matrix_changed,
                sender=through,
                weak=False,
                dispatch_uid=f"mentors.matrix.{through}",
            )
        # Importing periodic registers the periodic jobs.
        from mentors import periodic, relationships, rounds  # noqa: F401

        # Mentorships take mentors' places; mentees with a mentor sit out bulk rounds;
        # a published round's pairs become mentorships.
        suggest.PLACES_TAKEN.append(relationships.places_taken)
        rounds.ALREADY_MATCHED.append(relationships.mentees_with_a_mentor)
        rounds.PUBLISHED.append(relationships.publish_round)
        # Mentoring meetings join each person's private calendar feed.
        from events.feeds import PERSONAL_PARTS
        from mentors import meeting_feed

        PERSONAL_PARTS.append(meeting_feed)
