"""Mentoring groups and accountability groups: forms and pages for members and
facilitators, and group meetings.

Joining, applications and the waiting list are rules in relationships.py (so that a
block or a deleted account can part people in groups without importing this module);
places are decided there with the group's row locked, as mentors' places are: two
people joining for the last place cannot both get it, and a member leaving promotes
exactly one person from the waiting list. Applicants' answers
are read by the facilitator only; the member list, meetings and where they happen are
shown to members and the facilitator only.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mentors import relationships
from mentors.forms import ServerLimits
from mentors.models import (
    NOTE_MAX,
    Block,
    GroupMeeting,
    GroupMembership,
    MentoringGroup,
    Profile,
)
from mentors.relationships import NotAllowed
from mentors.workspace import MeetingForm

G = GroupMembership.Status


# -- Forms ---------------------------------------------------------------------------------


class PeerGroupForm(ServerLimits, forms.ModelForm):
    class Meta:
        model = MentoringGroup
        fields = [
            "name",
            "topic",
            "description",
            "online",
            "city",
            "size_limit",
            "sign_up",
            "question",
            "expectations",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "expectations": forms.Textarea(attrs={"rows": 4}),
            "sign_up": forms.RadioSelect,
        }


class ApplyForm(ServerLimits, forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GroupMeetingForm(MeetingForm):
    """A pair's meeting form (the same time checks) without "how": groups say where."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["format"]


# -- Views -----------------------------------------------------------------------------------


def visible_groups(profile):
    """Groups a member may see: all but those whose facilitator blocked them (or whom
    they blocked)."""
    groups = MentoringGroup.objects.select_related("topic", "facilitator")
    if profile is not None:
        groups = groups.exclude(Block.involving("facilitator__user", profile.user_id))
    return groups


@require_safe
@login_required
def group_list(request):
    profile = Profile.objects.of(request.user)
    groups = visible_groups(profile).annotate(
        n_members=Count("memberships", filter=Q(memberships__status=G.MEMBER))
    )
    return render(request, "mentors/groups.html", {"groups": groups, "profile": profile})


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
    return render(request, "mentors/group.html", context, status=status)


def _group_for(request, pk):
    profile = Profile.objects.of(request.user)
    group = get_object_or_404(visible_groups(profile), pk=pk)
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
        group = form.save(commit=False)
        group.kind = MentoringGroup.Kind.ACCOUNTABILITY
        group.facilitator = profile
        group.save()
        messages.success(request, _("Your group is open. Share its page with people you know."))
        return redirect(group)
    return render(request, "mentors/start_group.html", {"form": form})


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
    return render(request, "mentors/start_group.html", {"form": form, "group": group})


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
    meeting = GroupMeeting.objects.create(
        group=group,
        starts_at=data["starts_at"],
        minutes=data["minutes"],
        time_zone=profile.time_zone,
        where=data["where"],
    )
    members = group.memberships.members().select_related("profile__user")
    # A block ends the membership (parted_by_block); this also holds for older rows.
    members = members.exclude(Block.involving("profile__user", group.facilitator.user_id))
    for member in members:
        relationships.notify_group("meeting", member.profile, group, {"meeting": meeting})
    messages.success(request, _("Meeting scheduled. It is in every member's calendar feed."))
    return redirect(group)


def group_meetings_of(user, since):
    """Meetings of the groups `user` facilitates or belongs to (for feeds), but none of
    a group whose facilitator and `user` are on either side of a block."""
    return (
        GroupMeeting.objects.filter(
            Q(group__facilitator__user=user)
            | Q(group__memberships__profile__user=user, group__memberships__status=G.MEMBER),
            starts_at__gte=since,
        )
        .exclude(Block.involving("group__facilitator__user", user.pk))
        .distinct()
    )
