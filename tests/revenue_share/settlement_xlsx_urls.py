"""The project's URLs with the settlement statement's XLSX download included under "revenue_share",
for the tests of revenue_share.urls_settlement_xlsx before it is wired into revenue_share/urls.py."""

from django.urls import include, path

from ppp.urls import urlpatterns as project_patterns
from revenue_share import urls as revenue_share_urls
from revenue_share import urls_settlement_xlsx

urlpatterns = [
    pattern
    for pattern in project_patterns
    if getattr(pattern, "pattern", None) and str(pattern.pattern) != "revenue-share/"
] + [
    path(
        "revenue-share/",
        include(
            (revenue_share_urls.urlpatterns + urls_settlement_xlsx.urlpatterns, "revenue_share"),
            namespace="revenue_share",
        ),
    ),
]
