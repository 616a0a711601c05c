"""Totals organisers may see about mentorships (never what pairs wrote)."""

from django.db.models import Avg, Count, Q

from mentoring.models import CloseOut, FitAnswer, Mentorship
from mentors import sensitive


def outcomes():
    """Totals organisers may see: states, reasons for ending, fit answers and close-out
    feedback, the feedback only once at least MIN_GROUP people gave it."""
    states = dict(
        Mentorship.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    reasons = Mentorship.objects.filter(status=Mentorship.Status.ENDED)
    reasons = dict(reasons.values_list("end_reason").annotate(n=Count("pk")))
    fit = dict(FitAnswer.objects.values_list("good_fit").annotate(n=Count("pk")))
    feedback = CloseOut.objects.aggregate(
        n=Count("pk"),
        mean=Avg("rating"),
        recommend=Count("pk", filter=Q(would_recommend=True)),
        **{f"rating_{n}": Count("pk", filter=Q(rating=n)) for n in range(1, 6)},
        **{f"goals_{v}": Count("pk", filter=Q(goals_met=v)) for v in CloseOut.GoalsMet.values},
    )
    enough = feedback["n"] >= sensitive.MIN_GROUP
    return {
        "states": [(label, states.get(value, 0)) for value, label in Mentorship.Status.choices],
        "reasons": [
            (label, reasons.get(value, 0)) for value, label in Mentorship.EndReason.choices
        ],
        "fit": {"yes": fit.get(True, 0), "no": fit.get(False, 0)},
        "feedback_count": feedback["n"],
        "min_group": sensitive.MIN_GROUP,
        "feedback": {
            "mean": round(feedback["mean"], 1),
            "recommend": round(100 * feedback["recommend"] / feedback["n"]),
            "ratings": [(n, feedback[f"rating_{n}"]) for n in range(1, 6)],
            "goals": [
                (label, feedback[f"goals_{value}"]) for value, label in CloseOut.GoalsMet.choices
            ],
        }
        if enough
        else None,
    }
