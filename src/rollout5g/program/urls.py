from django.urls import path

from . import views

app_name = "program"
urlpatterns = [
    path("", views.index, name="index"),
    path("tasks/", views.task_board, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/transition/", views.task_transition, name="task_transition"),
    path("tasks/<int:pk>/report/", views.task_report, name="task_report"),
    path("tasks/<int:pk>/extension/", views.task_extension, name="task_extension"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/<slug:key>/", views.indicator_detail, name="indicator"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("evaluation/publish/", views.evaluation_publish, name="evaluation_publish"),
    path("snapshots/", views.snapshots, name="snapshots"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/template.xlsx", views.ledger_download, name="ledger_download"),
    path("briefing.pdf", views.briefing_pdf, name="briefing"),
    path("rules/", views.rules, name="rules"),
    path("province/", views.province_view, name="province"),
]
