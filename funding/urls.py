from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/", views.programme_list, name="programme_list"),
    path(
        "programmes/<int:programme_id>/apply/",
        views.application_start_view,
        name="application_start",
    ),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
]
