"""Starter lists organisers edit in the admin. Adds only what is missing: entries an
organiser renamed or retired are left as they are."""

from django.db import migrations

CAREER_FIELDS = [
    "Acquisition and contracting",
    "Aircraft maintenance",
    "Aviation and flight operations",
    "Civil engineering",
    "Communications and IT",
    "Cyber operations",
    "Education and training",
    "Engineering",
    "Finance and accounting",
    "Health care",
    "Human resources and personnel",
    "Intelligence",
    "Law and legal services",
    "Logistics and supply",
    "Non-profit and community work",
    "Public affairs and communications",
    "Science and research",
    "Security forces and law enforcement",
    "Space operations",
    "Technology and software",
]
ORGANISATIONS = [
    "US Air Force",
    "US Space Force",
    "Air National Guard",
    "Air Force Reserve",
    "US Air Force Academy",
    "Department of the Air Force civilian",
    "Us-Mentoring-Us (UMU)",
    "AF Blue Lab",
    "Crucial Convo",
]
TOPICS = [
    "Leadership",
    "Career planning",
    "Promotion and evaluations",
    "Professional military education",
    "Transition to civilian life",
    "Work-life balance",
    "Military families and EFMP",
    "Resilience and wellbeing",
    "Public speaking",
    "Writing",
    "Networking",
    "Starting a mentoring relationship",
    "Mentoring others",
    "Higher education and degrees",
    "Financial planning",
    "Entrepreneurship",
    "Technical skills",
    "Diversity and inclusion",
    "Negotiation",
    "Job search and interviews",
]
LANGUAGES = [
    ("ar", "Arabic"),
    ("zh", "Chinese"),
    ("en", "English"),
    ("fr", "French"),
    ("de", "German"),
    ("hi", "Hindi"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ru", "Russian"),
    ("es", "Spanish"),
    ("tl", "Tagalog"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("vi", "Vietnamese"),
    ("ase", "American Sign Language"),
    ("bfi", "British Sign Language"),
]


def add_starter_lists(apps, schema_editor):
    for model, names in (
        ("CareerField", CAREER_FIELDS),
        ("Organisation", ORGANISATIONS),
        ("Topic", TOPICS),
    ):
        Model = apps.get_model("mentors", model)
        for name in names:
            Model.objects.get_or_create(name=name)
    Language = apps.get_model("mentors", "Language")
    for code, name in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("mentors", "0001_initial")]

    operations = [migrations.RunPython(add_starter_lists, migrations.RunPython.noop)]
