"""URLs of the pay flow, mounted at /payments/."""

from __future__ import annotations

from django.urls import path

from . import autopay_views, views

app_name = "payments"

urlpatterns = [
    path("", views.find_bill, name="find"),
    path("account/<int:pk>/", views.account_page, name="account"),
    path("return/<str:token>/", views.provider_return, name="return"),
    path("receipt/<str:token>/", views.receipt, name="receipt"),
    path("receipt/<str:token>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("webhooks/<str:provider>/", views.webhook, name="webhook"),
    path("sandbox/<str:session_id>/", views.sandbox_checkout, name="sandbox_checkout"),
    path("mine/", views.my_bills, name="mine"),
    path("mine/link/", views.link_account, name="link"),
    path("account/<int:pk>/autopay/", autopay_views.autopay_page, name="autopay"),
    path("autopay/return/<str:token>/", autopay_views.autopay_return, name="autopay_return"),
    path("autopay/sandbox/<str:session_id>/", autopay_views.sandbox_setup, name="autopay_sandbox"),
]
