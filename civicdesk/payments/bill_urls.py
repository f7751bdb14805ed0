"""URLs for getting bills in: the billing systems' push API and the staff import pages."""

from django.urls import path

from . import bill_api, bill_views

app_name = "bills"

urlpatterns = [
    path("payments/api/bills/", bill_api.bills, name="api_bills"),
    path("staff/bills/imports/", bill_views.imports, name="imports"),
    path("staff/bills/imports/template.csv", bill_views.template, name="import_template"),
    path("staff/bills/imports/<int:pk>/", bill_views.import_detail, name="import_detail"),
    path("staff/bills/imports/<int:pk>/rejects.csv", bill_views.import_rejects, name="import_rejects"),
]
