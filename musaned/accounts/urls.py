from django.urls import path

from musaned.accounts.views import account, login, registration

app_name = "accounts"

urlpatterns = [
    path("register/", registration.register_start, name="register"),
    path("register/identity/", registration.register_identity, name="register_identity"),
    path("register/verify/", registration.register_verify, name="register_verify"),
    path("register/account/", registration.register_account, name="register_account"),
    path("register/contact/", registration.register_contact, name="register_contact"),
    path("register/review/", registration.register_review, name="register_review"),
    path("register/activate/", registration.activate, name="activate"),
    path("register/activate/resend/", registration.activate_resend, name="activate_resend"),
    path("login/", login.login_view, name="login"),
    path("login/code/", login.login_code, name="login_code"),
    path("login/code/resend/", login.login_code_resend, name="login_code_resend"),
    path("logout/", login.logout_view, name="logout"),
    path("password/forgot/", login.password_forgot, name="password_forgot"),
    path("password/reset/", login.password_reset, name="password_reset"),
    path("services/", account.hub, name="hub"),
    path("profile/", account.profile, name="profile"),
    path("profile/my-data.json", account.personal_data, name="personal_data"),
    path("profile/password/", account.password_change, name="password_change"),
]
