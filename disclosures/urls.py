from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile_edit, name="profile"),
    path("applications/<int:pk>/declaration/", views.declaration_edit, name="declaration_edit"),
    path(
        "applications/<int:pk>/declaration/review/",
        views.declaration_review,
        name="declaration_review",
    ),
    path(
        "applications/<int:pk>/declaration/amend/",
        views.declaration_amend_view,
        name="declaration_amend",
    ),
    path(
        "applications/<int:pk>/versions/<int:number>/",
        views.version_detail,
        name="version_detail",
    ),
    path(
        "applications/<int:pk>/versions/<int:number>/pdf/",
        views.version_pdf,
        name="version_pdf",
    ),
    path("applications/<int:pk>/compare/", views.version_compare, name="version_compare"),
    path("documents/<uuid:document_id>/", views.document_download, name="document_download"),
]
