"""mozilla-django-oidc builds its redirect URI from the name of its callback view."""

from django.urls import include, path

urlpatterns = [path("oidc/", include("mozilla_django_oidc.urls"))]
