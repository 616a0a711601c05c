"""Requests, mentorships and groups moved from `mentors` to `mentoring`; thank-you notes,
stories, Mentor of the Month and guides to `community` (mentors 0010, mentoring 0001,
community 0001). A database made before the move keeps every table and row, and
permissions, the Organisers group and admin history follow the models."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_MOVE = ("mentors", "0009_starter_guides")
MOVED = {
    "mentoring": [
        "MentorshipRequest",
        "Mentorship",
        "WaitingListEntry",
        "Message",
        "Agreement",
        "Goal",
        "Meeting",
        "CheckIn",
        "FitAnswer",
        "CloseOut",
        "MentoringGroup",
        "GroupMembership",
        "GroupMeeting",
    ],
    "community": ["ThankYou", "Story", "Nomination", "MentorOfTheMonth", "Guide"],
}
NOW = timezone.now().replace(microsecond=0)


def migrate(targets):
    """Migrate to `targets` and return the models as they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def before_the_move():
    """Every other app as it is now; mentors just before the move, and neither new app."""
    others = [node for node in latest() if node[0] not in ("mentors", *MOVED)]
    return [*others, BEFORE_MOVE, *((app, None) for app in MOVED)]


def fill(apps):
    """One row of every moved model, through the models as they were before the move."""

    def get(name):
        return apps.get_model("mentors", name)

    User = apps.get_model("accounts", "User")
    ann, bob = (
        User.objects.create(email=f"{name}@example.org", username=name) for name in ("ann", "bob")
    )
    topic = get("Topic").objects.create(name="Leadership (move test)")
    mentor = get("Profile").objects.create(user=ann, role="mentor", display_name="Ann")
    mentee = get("Profile").objects.create(user=bob, role="mentee", display_name="Bob")
    round = get("MatchingRound").objects.create(name="Spring round")
    campaign = apps.get_model("events", "Campaign").objects.create(
        name="Move test", slug="move-test", starts_on=NOW.date(), ends_on=NOW.date()
    )
    request = get("MentorshipRequest").objects.create(
        mentee=mentee, mentor=mentor, message="Hello", expires_at=NOW, status="accepted"
    )
    pair = get("Mentorship").objects.create(
        mentor=mentor, mentee=mentee, origin="round", request=request, round=round
    )
    get("WaitingListEntry").objects.create(mentee=mentee, mentor=None)
    get("Message").objects.create(mentorship=pair, sender=mentee, body="First note")
    get("Agreement").objects.create(
        mentorship=pair, expectations="Meet monthly", frequency="monthly", meeting_format="video"
    )
    get("Goal").objects.create(mentorship=pair, title="A new role", next_steps="Apply")
    get("Meeting").objects.create(
        mentorship=pair,
        starts_at=NOW,
        time_zone="America/New_York",
        where="https://example.org/room",
        format="video",
        created_by=mentor,
    )
    get("CheckIn").objects.create(
        mentorship=pair, author=mentee, on=datetime.date(2026, 1, 5), notes="Good", mood=4
    )
    get("FitAnswer").objects.create(mentorship=pair, author=mentee, good_fit=True)
    get("CloseOut").objects.create(
        mentorship=pair, author=mentee, rating=5, goals_met="yes", would_recommend=True
    )
    group = get("MentoringGroup").objects.create(
        kind="peer", name="Job seekers", topic=topic, description="Weekly", facilitator=mentor
    )
    get("GroupMembership").objects.create(group=group, profile=mentee, status="member")
    get("GroupMeeting").objects.create(group=group, starts_at=NOW, time_zone="Europe/London")
    get("ThankYou").objects.create(
        author=bob, author_name="Bob", mentor=mentor, message="Thank you", status="approved"
    )
    get("Story").objects.create(
        author=bob, author_name="Bob", kind="story", title="How it went", body="Well",
        campaign=campaign,
    )  # fmt: skip
    get("Nomination").objects.create(
        nominator=bob, mentor=mentor, month=datetime.date(2026, 1, 1), reason="Patient"
    )
    get("MentorOfTheMonth").objects.create(
        month=datetime.date(2026, 1, 1), mentor=mentor, citation="Patient", chosen_by=bob
    )
    get("Guide").objects.create(slug="move-test", title="Moving", body="Text")


def rows(apps, app_label, name):
    """Every row of a model, each as {column: value}."""
    model = apps.get_model(app_label, name)
    columns = [field.attname for field in model._meta.concrete_fields]
    return list(model.objects.order_by("pk").values(*columns))


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_every_row_and_permissions_follow_the_models():
    old = migrate(before_the_move())
    fill(old)
    before = {name: rows(old, "mentors", name) for names in MOVED.values() for name in names}
    assert all(before.values()), "every moved model has a row to carry"

    # What organisers had before the move: a content type, its permission, the group.
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    Group = old.get_model("auth", "Group")
    kinds = {
        name: ContentType.objects.get_or_create(app_label="mentors", model=name.lower())[0].pk
        for names in MOVED.values()
        for name in names
    }
    view, _created = Permission.objects.get_or_create(
        content_type_id=kinds["Mentorship"],
        codename="view_mentorship",
        defaults={"name": "Can view"},
    )
    Group.objects.get_or_create(name="Organisers")[0].permissions.add(view)

    new = migrate(latest())

    for app_label, names in MOVED.items():
        for name in names:
            assert rows(new, app_label, name) == before[name], name
            assert new.get_model(app_label, name)._meta.db_table == f"mentors_{name.lower()}"
    ContentType = new.get_model("contenttypes", "ContentType")
    for app_label, names in MOVED.items():
        for name in names:
            moved = ContentType.objects.get(pk=kinds[name])
            assert (moved.app_label, moved.model) == (app_label, name.lower())
    assert not ContentType.objects.filter(app_label="mentors", model="mentorship").exists()
    Group = new.get_model("auth", "Group")
    kept = Group.objects.get(name="Organisers").permissions.get(pk=view.pk)
    assert kept.content_type.app_label == "mentoring"


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone_without_losing_a_row():
    old = migrate(before_the_move())
    fill(old)
    new = migrate(latest())
    ContentType = new.get_model("contenttypes", "ContentType")
    ContentType.objects.get_or_create(app_label="community", model="guide")
    after = rows(new, "community", "Guide")

    old = migrate(before_the_move())
    assert rows(old, "mentors", "Guide") == after
    assert (
        old.get_model("contenttypes", "ContentType")
        .objects.filter(app_label="mentors", model="guide")
        .exists()
    )
    migrate(latest())


def test_old_admin_addresses_of_moved_models_lead_to_their_new_place(client, db):
    response = client.get("/admin/mentors/mentorship/7/change/?_changelist_filters=a%3D1")
    assert response.status_code == 301
    assert response["Location"] == "/admin/mentoring/mentorship/7/change/?_changelist_filters=a%3D1"
    response = client.get("/admin/mentors/guide/")
    assert (response.status_code, response["Location"]) == (301, "/admin/community/guide/")
    # Models that stayed are not redirected.
    assert client.get("/admin/mentors/profile/").status_code == 302  # to the log-in page
