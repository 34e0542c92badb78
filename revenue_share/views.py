"""Pages of the revenue share app, under /revenue-share/ (namespace "revenue_share"): the catalogue
of digital public services with the tariff in force on a chosen day."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from revenue_share import selectors


@require_GET
@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    try:
        day = dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        day = dt.date.today()
    if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
        day = dt.date.today()
    services = list(selectors.service_list(on=day))
    return render(request, "revenue_share/service_list.html", {"services": services, "on": day})
