from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from intake import health
from intake.accounts import views as accounts

admin.site.site_header = "服务型制造示范推荐系统 · 管理"
admin.site.site_title = "服务型制造示范推荐系统"
admin.site.index_title = "系统管理"
admin.site.login = accounts.admin_login  # the admin logs in through the same steps as everyone

urlpatterns = [
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz/", health.healthz, name="healthz"),
    path("healthz/session/", health.session_ping, name="session_ping"),
    path("admin/", admin.site.urls),
    path("", include("intake.accounts.urls")),
    path("", include("intake.audit.urls")),
    path("", include("intake.urls")),
]
