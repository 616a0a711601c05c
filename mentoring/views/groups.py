"""Mentoring groups and accountability groups: pages for members and facilitators.

Joining, applications, the waiting list and meetings are rules in relationships.py;
places are decided there with the group's row locked, as mentors' places are: two
people joining for the last place cannot both get it, and a member leaving promotes
exactly one person from the waiting list. Applicants' answers are read by the
facilitator only; the member list, meetings and where they happen are shown to members
and the facilitator only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mentoring import relationships
from mentoring.forms import ApplyForm, GroupMeetingForm, PeerGroupForm
from mentoring.models import GroupMembership
from mentoring.relationships import NotAllowed
from mentors.models import Profile

G = GroupMembership.Status


@require_safe
@login_required
def group_list(request):
    profile = Profile.objects.of(request.user)
    groups = relationships.visible_groups(profile).annotate(
        n_members=Count("memberships", filter=Q(memberships__status=G.MEMBER))
    )
    return render(request, "mentoring/groups.html", {"groups": groups, "profile": profile})


def group_page(request, group, profile, status=200, **forms_):
    memberships = list(group.memberships.select_related("profile"))
    mine = next((m for m in memberships if profile and m.profile_id == profile.pk), None)
    role = "facilitator" if profile and profile.pk == group.facilitator_id else None
    role = role or (mine.status if mine else None)
    inside = role in ("facilitator", G.MEMBER)
    members = [m for m in memberships if m.status == G.MEMBER]
    now = timezone.now()
    context = {
        "group": group,
        "profile": profile,
        "role": role,
        "inside": inside,
        "members": members if inside else None,
        "n_members": len(members),
        "n_waiting": sum(1 for m in memberships if m.status == G.WAITING),
        "applications": [m for m in memberships if m.status == G.APPLIED]
        if role == "facilitator"
        else None,
        "meetings": [m for m in group.meetings.all() if m.starts_at >= now and not m.cancelled]
        if inside
        else None,
        "apply_form": ApplyForm(),
        "meeting_form": GroupMeetingForm(zone=profile.time_zone) if profile else None,
        **forms_,
    }
    return render(request, "mentoring/group.html", context, status=status)


def _group_for(request, pk):
    profile = Profile.objects.of(request.user)
    group = get_object_or_404(relationships.visible_groups(profile), pk=pk)
    return group, profile


@require_safe
@login_required
def group_detail(request, pk):
    group, profile = _group_for(request, pk)
    return group_page(request, group, profile)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def start_group(request):
    profile = Profile.objects.of(request.user)
    if profile is None:
        messages.info(request, _("Set up your profile first."))
        return redirect("mentors:onboarding")
    form = PeerGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = relationships.start_group(form.instance, profile)
        messages.success(request, _("Your group is open. Share its page with people you know."))
        return redirect(group)
    return render(request, "mentoring/start_group.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit_group(request, pk):
    """The facilitator changes the group: its description, expectations, limits."""
    group, profile = _group_for(request, pk)
    if profile is None or profile.pk != group.facilitator_id:
        messages.error(request, _("Only the facilitator changes the group."))
        return redirect(group)
    form = PeerGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Group saved."))
        return redirect(group)
    return render(request, "mentoring/start_group.html", {"form": form, "group": group})


@require_POST
@login_required
def join_group(request, pk):
    group, profile = _group_for(request, pk)
    if profile is None:
        messages.info(request, _("Set up your profile first."))
        return redirect("mentors:onboarding")
    form = ApplyForm(request.POST)
    if not form.is_valid():
        return group_page(request, group, profile, status=400, apply_form=form)
    try:
        membership = relationships.join_group(group, profile, form.cleaned_data["answer"])
    except NotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            {
                G.MEMBER: _("You joined the group."),
                G.WAITING: _("The group is full: you are on its waiting list."),
                G.APPLIED: _("Application sent. The facilitator will answer by email."),
            }[membership.status],
        )
    return redirect(group)


@require_POST
@login_required
def leave_group(request, pk):
    group, profile = _group_for(request, pk)
    try:
        relationships.leave_group(group, profile)
    except NotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You left the group."))
    return redirect(group)


@require_POST
@login_required
def review_application(request, pk, membership_id, decision):
    group, profile = _group_for(request, pk)
    if decision not in ("approve", "decline") or profile is None:
        raise Http404
    membership = get_object_or_404(GroupMembership, pk=membership_id, group=group)
    try:
        relationships.review_application(membership, profile, decision == "approve")
    except NotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Answer sent."))
    return redirect(group)


@require_POST
@login_required
def schedule_group_meeting(request, pk):
    group, profile = _group_for(request, pk)
    if profile is None or profile.pk != group.facilitator_id:
        messages.error(request, _("Only the facilitator schedules the group's meetings."))
        return redirect(group)
    form = GroupMeetingForm(request.POST, zone=profile.time_zone)
    if not form.is_valid():
        return group_page(request, group, profile, status=400, meeting_form=form)
    data = form.cleaned_data
    relationships.schedule_group_meeting(
        group,
        starts_at=data["starts_at"],
        minutes=data["minutes"],
        time_zone=profile.time_zone,
        where=data["where"],
    )
    messages.success(request, _("Meeting scheduled. It is in every member's calendar feed."))
    return redirect(group)
