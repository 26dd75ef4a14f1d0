from captcha import views as captcha_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path

from intake.accounts import views

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/all/", views.logout_all, name="logout_all"),
    path("accounts/two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/recovery/", views.recovery_codes, name="two_factor_recovery"),
    path("accounts/two-factor/recovery/renew/", views.renew_recovery_codes, name="two_factor_renew"),
    path("accounts/password/change/", views.password_change, name="password_change"),
    path("accounts/session/", views.session_status, name="session_status"),
    # The login captcha's image, drawn by django-simple-captcha on our own origin.
    re_path(r"^captcha/image/(?P<key>\w+)/$", login_not_required(captcha_views.captcha_image), {"scale": 1},
            name="captcha-image"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:account>/", views.user_detail, name="user_detail"),
    path("users/<int:account>/<slug:action>/", views.user_action, name="user_action"),
]
