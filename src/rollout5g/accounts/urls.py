from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("password/", views.password_change, name="password_change"),
    path("authenticator/", views.totp_setup, name="totp_setup"),
    path("authenticator/off/", views.totp_disable, name="totp_disable"),
]
