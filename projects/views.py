"""Funded projects: a list and the minimal record a grant creates (the projects issue adds the
rest)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from core.http import paginate
from projects.access import can_list_projects, get_project_for
from projects.models import Project


def project_list(request):
    if not can_list_projects(request.user):
        raise PermissionDenied
    page, query = paginate(request, Project.objects.visible_to(request.user).for_list(), 50)
    return render(request, "projects/project_list.html", {"page": page, "query": query})


def project_detail(request, pk: int):
    project = get_project_for(request.user, pk)
    return render(request, "projects/project_detail.html", {"project": project})
