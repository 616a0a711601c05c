"""Limits on what one member can make the site send to others.

Counted per member in the shared cache (every worker and host see the same counts)
by allauth's rate limiter, the one that already limits log-ins and sign-ups
(ACCOUNT_RATE_LIMITS in settings); our actions and their rates are listed here.
"""

from allauth.core.internal import ratelimit

# action -> allauth rates: amount/period/per, comma-separated, all must hold.
LIMITS = {
    # Each note emails its mentor, with the sender's name and text.
    "thank_you": "5/10m/user,20/d/user",
    # Each request emails the mentor, and so does its withdrawal; a withdrawal needs a
    # request, so limiting requests bounds ask-and-withdraw cycles too.
    "mentoring_request": "10/h/user,20/d/user",
}


def allow(request, action):
    """Count one `action` by the signed-in member and say whether it is within its
    limits. Over a limit nothing is counted: the caller saves and sends nothing."""
    usage = ratelimit.consume(
        request, app="mentoring_hub", action=action, config=LIMITS, user=request.user
    )
    return usage is not None
