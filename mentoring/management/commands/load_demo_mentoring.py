from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from mentoring.models import Agreement, Goal, MentoringGroup, Mentorship
from mentors.models import Profile


class Command(BaseCommand):
    help = (
        "Give the demo member a mentorship (with an agreement and a goal) and a group to "
        "look at. Run after load_demo_mentors. Idempotent."
    )

    def handle(self, *args, **options):
        mentee = Profile.objects.filter(user__email="demo@example.org").first()
        mentor = Profile.objects.filter(user__email="demo-mentor-1@example.org").first()
        if mentee is None or mentor is None:
            self.stdout.write("demo mentoring: run load_demo and load_demo_mentors first")
            return
        with transaction.atomic():
            self.pair_and_group(mentee, mentor)
        self.stdout.write("demo mentoring: a mentorship at /me/mentoring/ and a group at /groups/")

    def pair_and_group(self, mentee, mentor):
        if not Mentorship.objects.filter(mentee=mentee).exists():
            pair = Mentorship.objects.create(mentor=mentor, mentee=mentee, origin="request")
            Agreement.objects.create(
                mentorship=pair,
                expectations="Monthly video calls; the mentee brings an agenda.",
                frequency=Agreement.Frequency.MONTHLY,
                meeting_format=Profile.Format.VIDEO,
                mentor_confirmed_at=timezone.now(),
            )
            Goal.objects.create(
                mentorship=pair,
                title="Prepare for my first supervisory role",
                next_steps="List three situations to practise.",
            )
        MentoringGroup.objects.get_or_create(
            name="Demo: first-time supervisors circle",
            defaults={
                "kind": MentoringGroup.Kind.MENTORING,
                "description": "A facilitated circle for new supervisors (demo content).",
                "facilitator": mentor,
                "size_limit": 8,
                "expectations": "Four monthly sessions; come with one real situation each time.",
            },
        )
