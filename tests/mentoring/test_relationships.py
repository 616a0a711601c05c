"""Mentoring requests and mentorships: every request state, capacity (raced on
PostgreSQL), waiting lists, blocks, and what stays private to the pair."""

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client

from mentoring import relationships
from mentoring.models import Mentorship, MentorshipRequest, WaitingListEntry
from mentors import rounds
from mentors.models import Block, MatchingRound, Profile
from tests.concurrency import run_together
from tests.factories import make_member, make_profile, signed_in

pytestmark = pytest.mark.django_db
S = MentorshipRequest.Status
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (row locks, real concurrency)"
)


def mentee(name="Mia", **kwargs):
    return make_profile(role=Profile.Role.MENTEE, display_name=name, **kwargs)


def mentor(name="Max", **kwargs):
    kwargs.setdefault("capacity", 1)
    return make_profile(display_name=name, **kwargs)


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


# -- Requests ----------------------------------------------------------------------------


def test_a_mentee_asks_from_the_profile_and_the_mentor_reads_it_by_email_and_on_the_site(
    deliver,
):
    mia, max_ = mentee(), mentor()
    client = signed_in(mia)
    assert "Ask Max to mentor you" in client.get(max_.get_absolute_url()).content.decode()
    with deliver():
        response = client.post(f"/mentors/{max_.pk}/ask", {"message": "Help me lead a team."})
    assert response.status_code == 302 and response["Location"] == "/me/mentoring/"
    request = MentorshipRequest.objects.get()
    assert (request.mentee, request.mentor, request.status) == (mia, max_, S.PENDING)
    assert request.expires_at - request.created_at == timedelta(days=14)
    [message] = mail.outbox
    assert message.to == [max_.user.email]
    assert message.subject == "Mia asks you to be their mentor"
    assert "Help me lead a team." in message.body
    assert mia.user.email not in message.body + message.alternatives[0][0]
    page = signed_in(max_).get("/me/mentoring/").content.decode()
    assert "Help me lead a team." in page and "Accept" in page and "Decline" in page


def test_accepting_starts_a_mentorship_and_tells_the_mentee_with_the_note(deliver):
    mia, max_ = mentee(), mentor()
    request = relationships.ask(mia, max_, "Hello")
    with deliver():
        response = signed_in(max_).post(
            f"/me/mentoring/requests/{request.pk}/accept", {"note": "Let's meet Monday."}
        )
    assert "Accepted: your mentorship with Mia has started." in messages_of(response)
    pair = Mentorship.objects.get()
    assert (pair.mentor, pair.mentee, pair.origin, pair.request) == (max_, mia, "request", request)
    request.refresh_from_db()
    assert request.status == S.ACCEPTED and request.responded_at
    [message] = mail.outbox
    assert message.to == [mia.user.email]
    assert message.subject == "Max accepted: your mentorship starts"
    assert "Let's meet Monday." in message.body
    for who in (mia, max_):
        assert signed_in(who).get(pair.get_absolute_url()).status_code == 200


def test_declining_closes_the_request_and_tells_the_mentee(deliver):
    mia, max_ = mentee(), mentor()
    request = relationships.ask(mia, max_, "Hello")
    with deliver():
        signed_in(max_).post(
            f"/me/mentoring/requests/{request.pk}/decline", {"note": "I'm away until March."}
        )
    request.refresh_from_db()
    assert request.status == S.DECLINED and request.response_note == "I'm away until March."
    assert not Mentorship.objects.exists()
    [message] = mail.outbox
    assert message.to == [mia.user.email] and "I'm away until March." in message.body
    # Answering twice changes nothing.
    response = signed_in(max_).post(f"/me/mentoring/requests/{request.pk}/accept")
    assert "This request was already declined." in messages_of(response)
    assert not Mentorship.objects.exists()


def test_the_mentee_can_withdraw_and_the_mentor_is_told(deliver):
    mia, max_ = mentee(), mentor()
    request = relationships.ask(mia, max_, "Hello")
    with deliver():
        signed_in(mia).post(f"/me/mentoring/requests/{request.pk}/withdraw")
    request.refresh_from_db()
    assert request.status == S.WITHDRAWN
    [message] = mail.outbox
    assert message.to == [max_.user.email] and message.subject == "Mia withdrew their request"


def test_only_the_right_side_can_answer_and_nobody_else_sees_the_request():
    mia, max_ = mentee(), mentor()
    request = relationships.ask(mia, max_, "Private words")
    stranger = mentor("Sam")
    for who, action in [(mia, "accept"), (max_, "withdraw"), (stranger, "accept")]:
        response = signed_in(who).post(f"/me/mentoring/requests/{request.pk}/{action}")
        assert response.status_code == 404
    assert signed_in(max_).post(f"/me/mentoring/requests/{request.pk}/approve").status_code == 404
    assert "Private words" not in signed_in(stranger).get("/me/mentoring/").content.decode()
    request.refresh_from_db()
    assert request.status == S.PENDING


def test_unanswered_requests_expire_and_the_mentee_hears(deliver):
    mia, max_ = mentee(), mentor()
    start = datetime(2027, 1, 5, 9, tzinfo=UTC)
    with deliver():  # or run_periodic's mail job would send the mentor's notice below
        request = relationships.ask(mia, max_, "Hello", now=start)
    mail.outbox.clear()
    with deliver():
        assert relationships.expire_requests(start + timedelta(days=13)) == 0
        from mentoring_hub import periodic

        assert "expire_mentoring_requests" in periodic.run_due(start + timedelta(days=14))
    request.refresh_from_db()
    assert request.status == S.EXPIRED
    [message] = mail.outbox
    assert message.to == [mia.user.email] and message.subject == "Your request to Max expired"
    with pytest.raises(relationships.NotAllowed, match="already expired"):
        relationships.accept(request, max_, now=start + timedelta(days=15))


def test_a_request_past_its_date_cannot_be_accepted_even_before_the_job_runs():
    mia, max_ = mentee(), mentor()
    start = datetime(2027, 1, 5, 9, tzinfo=UTC)
    request = relationships.ask(mia, max_, "Hello", now=start)
    with pytest.raises(relationships.NotAllowed, match="expired before it was answered"):
        relationships.accept(request, max_, now=start + timedelta(days=14, seconds=1))
    assert not Mentorship.objects.exists()


def test_asking_is_refused_with_a_reason_and_creates_nothing():
    mia, max_ = mentee(), mentor()
    relationships.ask(mia, max_, "Hello")
    cases = [
        (mia, max_, "You already asked Max"),
        (mentor("Mo"), max_, "not looking for a mentor"),
        (mia, mentor("Nat", accepting_mentees=False), "Nat is not taking new mentees"),
    ]
    for who, whom, reason in cases:
        with pytest.raises(relationships.NotAllowed, match=reason):
            relationships.ask(who, whom, "Again")
    for n in range(2):
        relationships.ask(mia, mentor(f"Extra {n}"), "Hello")
    with pytest.raises(relationships.NotAllowed, match="You have 3 requests waiting"):
        relationships.ask(mia, mentor("Fourth"), "Hello")
    assert MentorshipRequest.objects.count() == 3


def test_an_overlong_message_is_refused_with_its_length_and_nothing_is_sent():
    mia, max_ = mentee(), mentor()
    response = signed_in(mia).post(f"/mentors/{max_.pk}/ask", {"message": "x" * 1001})
    assert response.status_code == 200
    assert "at most 1000 characters (it has 1001)" in response.content.decode()
    assert not MentorshipRequest.objects.exists()
    assert 'maxlength="' not in response.content.decode()


# -- Capacity and waiting lists ----------------------------------------------------------


def test_a_mentor_cannot_accept_beyond_their_places():
    max_ = mentor(capacity=1)
    first, second = mentee("Ann"), mentee("Bob")
    a = relationships.ask(first, max_, "Hello")
    b = relationships.ask(second, max_, "Hello")
    relationships.accept(a, max_)
    response = signed_in(max_).post(f"/me/mentoring/requests/{b.pk}/accept")
    assert any("You have no places left" in m for m in messages_of(response))
    b.refresh_from_db()
    assert b.status == S.PENDING
    assert Mentorship.objects.filter(mentor=max_).count() == 1


def test_a_full_mentor_offers_the_waiting_list_and_a_freed_place_goes_to_the_first_waiting(
    deliver,
):
    max_ = mentor(capacity=1)
    holder, first, second = mentee("Ann"), mentee("Bob"), mentee("Cy")
    pair = relationships.accept(relationships.ask(holder, max_, "Hello"), max_)
    page = signed_in(first).get(f"/mentors/{max_.pk}/ask").content.decode()
    assert "Max has no places free right now" in page and "Join Max's waiting list" in page
    for who in (first, second):
        signed_in(who).post(f"/mentors/{max_.pk}/wait")
    with pytest.raises(relationships.NoPlace):
        relationships.ask(first, max_, "Please")
    with deliver():
        response = signed_in(holder).post(f"/me/mentoring/{pair.pk}/end", {"reason": "completed"})
    assert response.status_code == 302
    subjects = {(m.to[0], m.subject) for m in mail.outbox}
    assert subjects == {
        (max_.user.email, "Ann ended your mentorship"),
        (first.user.email, "A place is free with Max"),
    }
    told = WaitingListEntry.objects.get(mentee=first)
    assert told.told_at is not None
    assert WaitingListEntry.objects.get(mentee=second).told_at is None
    # The told mentee still asks, and the mentor still decides.
    request = relationships.ask(first, max_, "Still keen")
    relationships.accept(request, max_)
    assert not WaitingListEntry.objects.filter(mentee=first, mentor=max_).exists()


def test_suggestions_leave_out_mentors_with_no_place_left(client):
    full = mentor("Full Fay", expertise=["Leadership"], capacity=1)
    free = mentor("Free Flo", expertise=["Leadership"], capacity=1)
    me = mentee("Me", goals=["Leadership"])
    relationships.accept(relationships.ask(mentee("Other"), full, "Hi"), full)
    page = signed_in(me).get("/mentors/suggestions/").content.decode()
    assert "Free Flo" in page and "Full Fay" not in page
    assert free  # suggested


def test_the_next_round_leaves_out_mentees_who_have_a_mentor(django_capture_on_commit_callbacks):
    max_, ned = mentor("Max", expertise=["Leadership"], capacity=2), mentor("Ned", capacity=1)
    matched = mentee("Matched", goals=["Leadership"])
    waiting = mentee("Waiting", goals=["Leadership"])
    relationships.accept(relationships.ask(matched, max_, "Hi"), max_)
    relationships.wait_for(waiting)
    round = MatchingRound.objects.create(name="February")
    with django_capture_on_commit_callbacks(execute=True):
        rounds.start(round)
    round.refresh_from_db()
    assert set(round.pairs.values_list("mentee__display_name", flat=True)) == {"Waiting"}
    assert ned  # a mentor with a place, unused


def accept_or_full(request, mentor_profile):
    try:
        relationships.accept(request, mentor_profile)
    except relationships.NoPlace:
        return "full"
    return "accepted"


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_acceptances_racing_for_the_last_places_never_exceed_capacity():
    max_ = mentor(capacity=2)
    requests = [relationships.ask(mentee(f"M{n}"), max_, "Hello") for n in range(8)]
    outcomes, errors = run_together([partial(accept_or_full, r, max_) for r in requests])
    assert errors == []
    assert sorted(outcomes) == ["accepted"] * 2 + ["full"] * 6
    assert Mentorship.objects.filter(mentor=max_, status="active").count() == 2
    assert MentorshipRequest.objects.filter(status=S.ACCEPTED).count() == 2


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_accepted_and_a_round_published_at_once_share_the_last_place():
    max_ = mentor("Max", expertise=["Leadership"], capacity=1)
    asker = mentee("Asker")
    mentee("Matched", goals=["Leadership"])
    request = relationships.ask(asker, max_, "Hello")
    round = MatchingRound.objects.create(name="Race")
    rounds.start(round)  # computed on commit (immediate backend, autocommit here)
    round.refresh_from_db()
    assert round.pairs.count() == 1
    _results, errors = run_together(
        [partial(accept_or_full, request, max_), partial(relationships.publish_round, round)]
    )
    assert errors == []
    assert Mentorship.objects.filter(mentor=max_, status="active").count() == 1


def test_asking_and_withdrawing_over_and_over_stops_reaching_the_mentor(deliver):
    mia, max_ = mentee(), mentor()
    with time_machine.travel(datetime(2027, 1, 11, 15, tzinfo=UTC), tick=False):
        client = signed_in(mia)
        with deliver():
            for n in range(10):
                response = client.post(f"/mentors/{max_.pk}/ask", {"message": f"Ask {n}"})
                assert response.status_code == 302
                request = MentorshipRequest.objects.get(status=S.PENDING)
                client.post(f"/me/mentoring/requests/{request.pk}/withdraw")
        assert len(mail.outbox) == 20  # each request and each withdrawal told Max
        with deliver():
            response = client.post(f"/mentors/{max_.pk}/ask", {"message": "Ask 10"})
    assert response.status_code == 429
    assert "You have sent several requests in a short time." in response.content.decode()
    assert MentorshipRequest.objects.count() == 10 and len(mail.outbox) == 20


# -- Blocks and privacy ------------------------------------------------------------------


def test_a_block_closes_requests_and_ends_the_mentorship_quietly(deliver):
    max_ = mentor(capacity=3)
    mia, bo = mentee("Mia"), mentee("Bo")
    pair = relationships.accept(relationships.ask(mia, max_, "Hi"), max_)
    pending = relationships.ask(bo, max_, "Hi")
    mail.outbox.clear()
    with deliver():
        signed_in(max_).post(f"/mentors/{mia.pk}/block")
        signed_in(max_).post(f"/mentors/{bo.pk}/block")
    pair.refresh_from_db()
    pending.refresh_from_db()
    assert pair.status == "ended" and pair.end_reason == "blocked"
    assert pending.status == S.WITHDRAWN
    assert mail.outbox == []  # nobody is told they were blocked
    # The blocked mentee cannot find or ask the mentor any more.
    assert signed_in(mia).get(f"/mentors/{max_.pk}/ask").status_code == 404
    assert signed_in(mia).post(f"/mentors/{max_.pk}/wait").status_code == 404
    with pytest.raises(relationships.NotAllowed):
        relationships.ask(mia, max_, "Again")
    assert Block.objects.count() == 2


def test_what_the_pair_wrote_is_not_shown_to_anyone_else(organiser_client):
    max_, mia = mentor(), mentee()
    request = relationships.ask(mia, max_, "My divorce is affecting my work")
    relationships.accept(request, max_, note="Confidential reply about your family")
    pair = Mentorship.objects.get()
    stranger = make_member()
    outsider = Client()
    outsider.force_login(stranger)
    assert outsider.get(pair.get_absolute_url()).status_code == 404
    assert outsider.post(f"/me/mentoring/{pair.pk}/end", {"reason": "other"}).status_code == 404
    secrets = ["My divorce", "Confidential reply"]
    pages = [
        "/admin/mentoring/mentorshiprequest/",
        f"/admin/mentoring/mentorshiprequest/{request.pk}/change/",
        "/admin/mentoring/mentorship/",
        f"/admin/mentoring/mentorship/{pair.pk}/change/",
        f"/mentors/{max_.pk}/",
        f"/mentors/{mia.pk}/",
    ]
    for url in pages:
        page = organiser_client.get(url)
        assert page.status_code == 200, url
        assert not any(secret in page.content.decode() for secret in secrets), url
    assert "Mia" in organiser_client.get("/admin/mentoring/mentorship/").content.decode()


def test_ending_needs_a_reason_and_happens_once(deliver):
    max_, mia = mentor(), mentee()
    pair = relationships.accept(relationships.ask(mia, max_, "Hi"), max_)
    client = signed_in(mia)
    response = client.post(f"/me/mentoring/{pair.pk}/end", {"reason": "blocked"})
    assert "Choose why the mentorship ends." in messages_of(response)
    pair.refresh_from_db()
    assert pair.status == "active"
    client.post(f"/me/mentoring/{pair.pk}/end", {"reason": "not_a_fit"})
    response = client.post(f"/me/mentoring/{pair.pk}/end", {"reason": "not_a_fit"})
    assert "This mentorship has already ended." in messages_of(response)
    pair.refresh_from_db()
    assert (pair.status, pair.end_reason) == ("ended", "not_a_fit")


def test_the_mentoring_page_lists_both_roles_for_someone_who_is_both():
    both = make_profile(role=Profile.Role.BOTH, display_name="Dual", capacity=2)
    their_mentor, their_mentee = mentor("Upstream"), mentee("Downstream")
    relationships.accept(relationships.ask(both, their_mentor, "Hi"), their_mentor)
    relationships.accept(relationships.ask(their_mentee, both, "Hi"), both)
    page = signed_in(both).get("/me/mentoring/").content.decode()
    assert "Your mentees" in page and "Downstream" in page
    assert "Your mentors" in page and "Upstream" in page
    assert "You have 1 place left." in page


def test_the_mentoring_page_queries_the_same_whatever_the_numbers(django_assert_max_num_queries):
    max_ = mentor(capacity=10)
    for n in range(6):
        relationships.ask(mentee(f"Asker {n}"), max_, "Hi")
    client = signed_in(max_)
    with django_assert_max_num_queries(12):
        assert client.get("/me/mentoring/").status_code == 200


def test_run_periodic_command_expires_requests(deliver):
    mia, max_ = mentee(), mentor()
    request = relationships.ask(mia, max_, "Hello", now=datetime(2020, 1, 1, tzinfo=UTC))
    with deliver():
        call_command("run_periodic")
    request.refresh_from_db()
    assert request.status == S.EXPIRED


def test_mentoring_notices_respect_the_email_preference_but_answers_always_arrive(deliver):
    from accounts.models import EmailKind, EmailOptOut

    mia, max_ = mentee(), mentor()
    EmailOptOut.objects.create(user=max_.user, kind=EmailKind.MENTORING)
    EmailOptOut.objects.create(user=mia.user, kind=EmailKind.MENTORING)
    with deliver():
        request = relationships.ask(mia, max_, "Hello")
    assert mail.outbox == []  # Max turned mentoring mail off
    with deliver():
        relationships.accept(request, max_)
    [answer] = mail.outbox  # the answer to Mia's own request is essential
    assert answer.to == [mia.user.email] and "List-Unsubscribe" not in answer.extra_headers
