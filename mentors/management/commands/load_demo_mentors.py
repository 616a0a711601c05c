from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from mentors import sensitive
from mentors.models import CareerField, Language, Organisation, Profile, Topic

# Invented people for `make run`: enough to browse and filter the directory.
DEMO_MENTORS = [
    (
        "Jordan Reyes",
        "Cyber operations",
        "US Space Force",
        4,
        ["Leadership", "Technical skills"],
        "America/Denver",
    ),
    (
        "Priya Natarajan",
        "Health care",
        "US Air Force",
        5,
        ["Leadership", "Work-life balance"],
        "America/New_York",
    ),
    (
        "Marcus Bell",
        "Logistics and supply",
        "Air National Guard",
        3,
        ["Career planning", "Promotion and evaluations"],
        "America/Chicago",
    ),
    (
        "Aiko Tanaka",
        "Intelligence",
        "US Air Force",
        4,
        ["Writing", "Public speaking"],
        "Asia/Tokyo",
    ),
    (
        "Sofia Martínez",
        "Finance and accounting",
        "Department of the Air Force civilian",
        4,
        ["Financial planning", "Negotiation"],
        "America/Los_Angeles",
    ),
    (
        "Dwayne Carter",
        "Security forces and law enforcement",
        "Air Force Reserve",
        3,
        ["Resilience and wellbeing", "Transition to civilian life"],
        "America/New_York",
    ),
    (
        "Grace Okonkwo",
        "Engineering",
        "US Air Force Academy",
        5,
        ["Higher education and degrees", "Mentoring others"],
        "America/Denver",
    ),
    (
        "Tomás Alvarez",
        "Space operations",
        "US Space Force",
        3,
        ["Technical skills", "Career planning"],
        "America/Los_Angeles",
    ),
    (
        "Hannah Schultz",
        "Human resources and personnel",
        "US Air Force",
        4,
        ["Job search and interviews", "Networking"],
        "Europe/Berlin",
    ),
    (
        "Kwame Mensah",
        "Aircraft maintenance",
        "Air National Guard",
        4,
        ["Leadership", "Military families and EFMP"],
        "America/Chicago",
    ),
    (
        "Leilani Kahale",
        "Public affairs and communications",
        "AF Blue Lab",
        3,
        ["Public speaking", "Writing"],
        "Pacific/Honolulu",
    ),
    (
        "Rachel Cohen",
        "Law and legal services",
        "Us-Mentoring-Us (UMU)",
        5,
        ["Negotiation", "Entrepreneurship"],
        "America/New_York",
    ),
]


class Command(BaseCommand):
    help = "Create demo mentor profiles and a mentee profile for the demo member. Idempotent."

    def handle(self, *args, **options):
        User = get_user_model()
        spanish = Language.objects.filter(code="es").first()
        english = Language.objects.filter(code="en").first()
        # Demo mentors are long-standing members, as a real directory's mostly are.
        joined_at = timezone.now() - 3 * sensitive.ESTABLISHED
        with transaction.atomic():
            for n, (name, field, organisation, level, topics, zone) in enumerate(DEMO_MENTORS, 1):
                email = f"demo-mentor-{n}@example.org"
                first, last = name.split(" ", 1)
                user, created = User.objects.get_or_create(
                    email=email,
                    defaults={
                        "username": f"demo-mentor-{n}",
                        "first_name": first,
                        "last_name": last,
                        "date_joined": joined_at,
                    },
                )
                if created:
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                EmailAddress.objects.get_or_create(
                    user=user, email=email, defaults={"verified": True, "primary": True}
                )
                if Profile.objects.filter(user=user).exists():
                    continue
                profile = Profile.objects.create(
                    user=user,
                    role=Profile.Role.MENTOR if n % 4 else Profile.Role.BOTH,
                    display_name=name,
                    headline=f"{field}, {Profile.Experience(level).label.split(' (')[0].lower()}",
                    bio=f"I have worked in {field.lower()} for years and like helping people find their way.",
                    career_field=CareerField.objects.get(name=field),
                    organisation=Organisation.objects.get(name=organisation),
                    experience=level,
                    time_zone=zone,
                    meets_phone=n % 2 == 0,
                    meets_chat=n % 3 == 0,
                    availability=["weekday_evenings"] if n % 2 else ["weekends"],
                    capacity=1 + n % 3,
                    visibility=Profile.Visibility.PUBLIC if n % 3 else Profile.Visibility.MEMBERS,
                )
                profile.expertise.set(Topic.objects.filter(name__in=topics))
                profile.languages.set(
                    [lang for lang in (english, spanish if n % 5 == 0 else None) if lang]
                )
                if n <= 6:  # enough consenting people for the organisers' counts to show
                    # (and, chosen a while ago, to count toward the search rule)
                    profile.set_sensitive("efmp", "enrolled", sensitive.Use.SEARCH, when=joined_at)
            demo = User.objects.filter(email="demo@example.org").first()
            if demo and not Profile.objects.filter(user=demo).exists():
                profile = Profile.objects.create(
                    user=demo,
                    role=Profile.Role.MENTEE,
                    display_name="Demo Member",
                    headline="Airman looking for a mentor",
                    time_zone="America/New_York",
                )
                profile.goals.set(Topic.objects.filter(name__in=["Leadership", "Career planning"]))
        self.stdout.write(f"demo mentors: {len(DEMO_MENTORS)} in the directory at /mentors/")
