"""The OIDC endpoints, under the names django-oauth-toolkit reverses internally."""

from django.urls import path
from oauth2_provider import views as dot

from .oidc import SsoAuthorizationView, SsoDiscoveryView, SsoLogoutView, SsoTokenView

app_name = "oauth2_provider"
urlpatterns = [
    path("authorize/", SsoAuthorizationView.as_view(), name="authorize"),
    path("token/", SsoTokenView.as_view(), name="token"),
    path("revoke_token/", dot.RevokeTokenView.as_view(), name="revoke-token"),
    path(".well-known/openid-configuration", SsoDiscoveryView.as_view(), name="oidc-connect-discovery-info"),
    path(".well-known/jwks.json", dot.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", dot.UserInfoView.as_view(), name="user-info"),
    path("logout/", SsoLogoutView.as_view(), name="rp-initiated-logout"),
]
