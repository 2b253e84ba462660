"""The site's views: all async except the admin's, which Django runs in a thread."""

from __future__ import annotations

from django.contrib.auth import aauthenticate, alogin, alogout
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import aget_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from .notes.models import Note


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url("home")


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
async def login_view(request: HttpRequest) -> HttpResponse:
    error = False
    if request.method == "POST":
        user = await aauthenticate(
            request,
            username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
        )
        if user is not None:
            await alogin(request, user)
            return HttpResponseRedirect(_safe_next(request))
        error = True
    context = {"error": error, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "site/login.html", context)


@require_POST
async def logout_view(request: HttpRequest) -> HttpResponse:
    await alogout(request)
    return redirect("login")


@login_required
async def home(request: HttpRequest) -> HttpResponse:
    user = await request.auser()
    return render(request, "site/home.html", {"username": user.get_username()})


@login_required
@permission_required("notes.view_note", raise_exception=True)
async def note_list(request: HttpRequest) -> HttpResponse:
    notes = [note async for note in Note.objects.select_related("owner").order_by("pk")]
    return render(request, "site/note_list.html", {"notes": notes})


@login_required
@require_http_methods(["GET", "POST"])
async def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    note = await aget_object_or_404(Note, pk=pk)
    user = await request.auser()
    # Only rules' backend grants this, and only to the note's owner.
    if not await user.ahas_perm("notes.change_note", note):
        raise PermissionDenied
    if request.method == "POST":
        title = request.POST.get("title", "").strip()
        if title:
            note.title = title[: Note._meta.get_field("title").max_length]
            await note.asave(update_fields=["title"])
        return redirect("note-edit", pk=note.pk)
    return render(request, "site/note_edit.html", {"note": note})


@login_required
async def me(request: HttpRequest) -> JsonResponse:
    user = await request.auser()
    can_view_notes = await user.ahas_perm("notes.view_note")
    return JsonResponse({"username": user.get_username(), "can_view_notes": can_view_notes})


@login_required
async def visits(request: HttpRequest) -> JsonResponse:
    """Count the user's visits in their session: a request that writes its session."""
    count = await request.session.aget("visits", 0) + 1
    await request.session.aset("visits", count)
    return JsonResponse({"visits": count})


async def single_sign_on(request: HttpRequest) -> HttpResponse:
    """The logon URL behind the proxy: SingleSignOnMiddleware has logged the user in."""
    user = await request.auser()
    if not user.is_authenticated:
        raise PermissionDenied
    return HttpResponseRedirect(_safe_next(request))
