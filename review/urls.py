from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk-endorse/", views.bulk_endorse, name="bulk_endorse"),
    path("applications/<int:pk>/", views.application_review, name="application"),
    path("applications/<int:pk>/comment/", views.comment_add, name="comment"),
    path(
        "applications/<int:pk>/request-changes/",
        views.request_changes,
        name="request_changes",
    ),
    path("applications/<int:pk>/endorse/", views.endorse, name="endorse"),
    path("outside-posts/", views.outside_posts, name="outside_posts"),
    path(
        "outside-posts/template.csv",
        views.outside_posts_template,
        name="outside_posts_template",
    ),
    path(
        "outside-posts/<int:pk>/",
        views.outside_posts_snapshot,
        name="outside_posts_snapshot",
    ),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
]
