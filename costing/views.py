"""Pages of costing. PLACEHOLDER: being written (see costing/urls.py for the routes)."""

from django.http import HttpResponse


def model_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def model_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def model_import(request, *args, **kwargs):
    return HttpResponse(status=501)


def template_download(request, *args, **kwargs):
    return HttpResponse(status=501)


def model_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def model_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def model_delete(request, *args, **kwargs):
    return HttpResponse(status=501)


def model_submit(request, *args, **kwargs):
    return HttpResponse(status=501)


def model_approve(request, *args, **kwargs):
    return HttpResponse(status=501)


def model_return(request, *args, **kwargs):
    return HttpResponse(status=501)


def model_new_version(request, *args, **kwargs):
    return HttpResponse(status=501)


def option_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def option_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def option_delete(request, *args, **kwargs):
    return HttpResponse(status=501)


def lines_grid(request, *args, **kwargs):
    return HttpResponse(status=501)


def line_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def line_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def line_copy(request, *args, **kwargs):
    return HttpResponse(status=501)


def line_delete(request, *args, **kwargs):
    return HttpResponse(status=501)


def results(request, *args, **kwargs):
    return HttpResponse(status=501)


def comparison(request, *args, **kwargs):
    return HttpResponse(status=501)


def risks(request, *args, **kwargs):
    return HttpResponse(status=501)


def risk_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def risk_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def risk_delete(request, *args, **kwargs):
    return HttpResponse(status=501)


def simulate(request, *args, **kwargs):
    return HttpResponse(status=501)


def scenarios(request, *args, **kwargs):
    return HttpResponse(status=501)


def scenario_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def scenario_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def scenario_delete(request, *args, **kwargs):
    return HttpResponse(status=501)


def diff(request, *args, **kwargs):
    return HttpResponse(status=501)


def export(request, *args, **kwargs):
    return HttpResponse(status=501)


def history(request, *args, **kwargs):
    return HttpResponse(status=501)


def receipts(request, *args, **kwargs):
    return HttpResponse(status=501)


def receipt_store(request, *args, **kwargs):
    return HttpResponse(status=501)
