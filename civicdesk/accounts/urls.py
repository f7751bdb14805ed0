from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("verify-again/", views.resend_verification, name="resend_verification"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("two-factor/", views.two_factor_step, name="two_factor"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("requests/", views.my_requests, name="my_requests"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("settings/", views.account_settings, name="settings"),
    path("settings/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("settings/email/", views.email_change, name="email_change"),
    path("email/<str:token>/", views.email_change_confirm, name="email_change_confirm"),
    path("settings/delete/", views.delete_account, name="delete_account"),
]
