from django.urls import path

from evidentia.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("verify/", views.verify_view, name="verify"),
    path("mfa/setup/", views.mfa_setup_view, name="mfa_setup"),
    path("logout/", views.logout_view, name="logout"),
    path("tokens/", views.tokens_view, name="tokens"),
    path("tokens/<uuid:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
]
