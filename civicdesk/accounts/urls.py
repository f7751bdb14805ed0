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
]
