"""Pages of costing, under /costing/ (namespace "costing")."""

from django.urls import path

from costing import views

app_name = "costing"

urlpatterns = [
    path("", views.model_list, name="model_list"),
    path("new/", views.model_create, name="model_create"),
    path("import/", views.model_import, name="model_import"),
    path("template.xlsx", views.template_download, name="template_download"),
    path("<int:pk>/", views.model_detail, name="model_detail"),
    path("<int:pk>/edit/", views.model_edit, name="model_edit"),
    path("<int:pk>/delete/", views.model_delete, name="model_delete"),
    path("<int:pk>/submit/", views.model_submit, name="model_submit"),
    path("<int:pk>/approve/", views.model_approve, name="model_approve"),
    path("<int:pk>/return/", views.model_return, name="model_return"),
    path("<int:pk>/new-version/", views.model_new_version, name="model_new_version"),
    path("<int:pk>/options/new/", views.option_create, name="option_create"),
    path("<int:pk>/options/<int:option_id>/edit/", views.option_edit, name="option_edit"),
    path("<int:pk>/options/<int:option_id>/delete/", views.option_delete, name="option_delete"),
    path("<int:pk>/options/<int:option_id>/lines/", views.lines_grid, name="lines_grid"),
    path("<int:pk>/options/<int:option_id>/lines/new/", views.line_create, name="line_create"),
    path("<int:pk>/lines/<int:line_id>/edit/", views.line_edit, name="line_edit"),
    path("<int:pk>/lines/<int:line_id>/copy/", views.line_copy, name="line_copy"),
    path("<int:pk>/lines/<int:line_id>/delete/", views.line_delete, name="line_delete"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/comparison/", views.comparison, name="comparison"),
    path("<int:pk>/risks/", views.risks, name="risks"),
    path("<int:pk>/options/<int:option_id>/risks/new/", views.risk_create, name="risk_create"),
    path("<int:pk>/risks/<int:risk_id>/edit/", views.risk_edit, name="risk_edit"),
    path("<int:pk>/risks/<int:risk_id>/delete/", views.risk_delete, name="risk_delete"),
    path("<int:pk>/simulate/", views.simulate, name="simulate"),
    path("<int:pk>/scenarios/", views.scenarios, name="scenarios"),
    path("<int:pk>/scenarios/new/", views.scenario_create, name="scenario_create"),
    path("<int:pk>/scenarios/<int:scenario_id>/edit/", views.scenario_edit, name="scenario_edit"),
    path("<int:pk>/scenarios/<int:scenario_id>/delete/", views.scenario_delete, name="scenario_delete"),
    path("<int:pk>/diff/", views.diff, name="diff"),
    path("<int:pk>/export.xlsx", views.export, name="export"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/receipts/", views.receipts, name="receipts"),
    path("<int:pk>/receipts/store/", views.receipt_store, name="receipt_store"),
]
