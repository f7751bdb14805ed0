"""The staff console's money pages, mounted at /staff/payments/."""

from django.urls import path

from . import staff_views

app_name = "payments_staff"

urlpatterns = [
    path("", staff_views.home, name="home"),
    path("accounts/", staff_views.accounts, name="accounts"),
    path("accounts/<int:pk>/", staff_views.account, name="account"),
    path("payments/<str:reference>/", staff_views.payment, name="payment"),
    path("refunds/", staff_views.refund_list, name="refunds"),
    path("refunds/<int:pk>/approve/", staff_views.approve, name="approve"),
    path("refunds/<int:pk>/reject/", staff_views.reject, name="reject"),
    path("ledger/", staff_views.ledger_page, name="ledger"),
    path("dashboard/", staff_views.dashboard, name="dashboard"),
    path("dashboard/collected.csv", staff_views.dashboard_csv, name="dashboard_csv"),
    path("reconciliation/", staff_views.reconciliation_page, name="reconciliation"),
    path("reconciliation/<int:pk>/resolve/", staff_views.resolve_difference, name="resolve"),
]
