"""First versions of the guides, drawn from the seeds and written in our own words.
Organisers edit them in the admin; this migration never overwrites an edited guide."""

from django.db import migrations

GUIDES = [
    (
        "mentoring-coaching-therapy",
        "Mentoring, coaching or therapy?",
        "Three kinds of help, and how to tell which one you need.",
        """A **mentor** has walked a road you are on and shares what they learned: how a
career field works, which choices mattered, who to talk to. It is a relationship between
people, usually unpaid, and it runs on trust and on the mentee's goals.

A **coach** is trained to help you reach a specific goal, such as a promotion or a skill,
mostly by asking questions. Coaching is often paid and has a set length.

A **therapist** is a licensed professional who helps with mental health: low mood,
anxiety, grief, relationships. If what weighs on you is more than a career question,
a mentor can listen, but they are not a substitute for care.

| | Mentor | Coach | Therapist |
| --- | --- | --- | --- |
| Draws on | their own experience | a coaching method | clinical training |
| Focus | your path over time | one goal | your wellbeing |
| Paid? | usually not | usually | usually |

If you are in crisis, contact a crisis line or emergency services first.""",
    ),
    (
        "how-to-be-a-mentor",
        "How to be a mentor",
        "Listen first, share what you learned, and let your mentee lead.",
        """- **Set expectations at the start.** Agree how often you meet, how (video, phone,
  in person), what stays between you, and when you will review how it is going. The
  agreement on your mentorship page is there for this.
- **Listen more than you talk.** Ask what your mentee wants from you before offering
  advice; their goals lead, not yours.
- **Share experience, not orders.** Tell what you did and what you would do differently.
  The decision stays with your mentee.
- **Open doors.** Introduce your mentee to people in your network when it helps them.
- **Be reliable.** Keep the meetings you agree; if you cannot, say so early.
- **Know your limits.** If your mentee needs help you cannot give (health, legal,
  financial), help them find someone who can.
- **Learn too.** Mentors sharpen their own leadership by explaining what they know.""",
    ),
    (
        "staying-accountable",
        "How a mentee stays accountable",
        "Goals, next steps and check-ins that keep the work moving.",
        """Your mentor gives time; you bring the direction.

1. **Name one to three goals** and write them on your mentorship page.
2. **After every meeting, write the next step** for each goal: small, concrete, dated.
3. **Prepare an agenda** for each meeting: what you did, where you are stuck, what you
   want to ask.
4. **Check in** between meetings: a line on how it is going keeps you both in touch.
5. **Say when something is not working.** After your first meeting you will be asked
   whether it is a good fit. "No" is an acceptable answer, and you go back to matching.

Some people keep each other on track in an **accountability group**: a few peers who
meet regularly, share goals and report progress. You can join one or start your own.""",
    ),
    (
        "stages-of-a-relationship",
        "The stages of a mentoring relationship",
        "From setting expectations to closing out well.",
        """1. **Set expectations.** How often, how, what is confidential, when you review.
2. **Get to know each other.** Backgrounds, values, what each of you hopes for.
3. **Agree goals and next steps.** Specific enough to know when they are done.
4. **Discuss challenges and successes.** Most meetings live here: what happened, what
   you learned, what comes next.
5. **Plan what is next.** As goals are met, decide whether to set new ones or wind down.
6. **Close out.** End on purpose: look back at what changed, thank each other, and say
   how you will stay in touch. A good ending is part of a good mentorship.

Groups go through the same stages; the facilitator sets the expectations at the start,
and every member plays both mentor and mentee.""",
    ),
    (
        "pay-it-forward",
        "Ways to pay it forward",
        "Share your skills, host a workshop, thank a mentor.",
        """- **Become a mentor.** If someone once helped you, you can do the same: set up a
  mentor profile and say how many mentees you can take.
- **Share a skill.** A one-off conversation about your field can matter as much as a
  long mentorship.
- **Host a workshop or a group.** Propose a session for the campaign calendar, or start
  an accountability group.
- **Thank a mentor.** Write a thank-you note, privately or for the public wall; on
  Thank Your Mentor Day or any day.
- **Tell your story.** A success story or a tip encourages someone to take the first step.
- **Nominate a Mentor of the Month** whose help deserves to be seen.""",
    ),
]


def add_guides(apps, schema_editor):
    from mentoring_hub.markup import render

    Guide = apps.get_model("mentors", "Guide")
    for position, (slug, title, summary, body) in enumerate(GUIDES):
        Guide.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "body": body,
                "html": render(body),
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("mentors", "0008_recognition")]

    operations = [migrations.RunPython(add_guides, migrations.RunPython.noop)]
