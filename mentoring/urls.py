"""Mentoring pages. Their URL names stay in the `mentors` namespace, where they began
(see mentoring_hub/urls.py)."""

from django.urls import path

from mentoring.views import groups, requests, workspace

urlpatterns = [
    path("mentors/<int:pk>/ask", requests.ask, name="ask"),
    path("mentors/<int:pk>/wait", requests.wait, name="wait"),
    path("groups/", groups.group_list, name="groups"),
    path("groups/new/", groups.start_group, name="start_group"),
    path("groups/<int:pk>/", groups.group_detail, name="group"),
    path("groups/<int:pk>/edit", groups.edit_group, name="edit_group"),
    path("groups/<int:pk>/join", groups.join_group, name="join_group"),
    path("groups/<int:pk>/leave", groups.leave_group, name="leave_group"),
    path("groups/<int:pk>/meetings", groups.schedule_group_meeting, name="group_meeting"),
    path(
        "groups/<int:pk>/applications/<int:membership_id>/<slug:decision>",
        groups.review_application,
        name="review_application",
    ),
    path("me/mentoring/", requests.mentoring, name="mentoring"),
    path("me/mentoring/next-round", requests.wait_for_round, name="wait_for_round"),
    path(
        "me/mentoring/waiting/<int:entry_id>/leave",
        requests.leave_waiting_list,
        name="leave_waiting_list",
    ),
    path("me/mentoring/requests/<int:request_id>/<slug:action>", requests.answer, name="answer"),
    path("me/mentoring/<int:pk>/", workspace.mentorship, name="mentorship"),
    path("me/mentoring/<int:pk>/message", workspace.send_message, name="send_message"),
    path("me/mentoring/<int:pk>/agreement", workspace.save_agreement, name="save_agreement"),
    path(
        "me/mentoring/<int:pk>/agreement/confirm",
        workspace.confirm_agreement,
        name="confirm_agreement",
    ),
    path("me/mentoring/<int:pk>/goals", workspace.add_goal, name="add_goal"),
    path("me/mentoring/<int:pk>/goals/<int:goal_id>", workspace.update_goal, name="update_goal"),
    path("me/mentoring/<int:pk>/meetings", workspace.schedule_meeting, name="schedule_meeting"),
    path(
        "me/mentoring/<int:pk>/meetings/<int:meeting_id>/cancel",
        workspace.cancel_meeting,
        name="cancel_meeting",
    ),
    path("me/mentoring/<int:pk>/checkins", workspace.add_checkin, name="add_checkin"),
    path("me/mentoring/<int:pk>/fit", workspace.answer_fit, name="answer_fit"),
    path("me/mentoring/<int:pk>/feedback", workspace.close_out, name="close_out"),
    path("me/mentoring/<int:pk>/end", requests.end_mentorship, name="end_mentorship"),
]
