from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("notes/", views.note_list, name="note-list"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note-edit"),
    path("api/me/", views.me, name="me"),
    path("api/visits/", views.visits, name="visits"),
    path("sso/", views.single_sign_on, name="sso"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += staticfiles_urlpatterns()
