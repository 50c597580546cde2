from django.apps import AppConfig


class IdpConfig(AppConfig):
    name = "sandbox.idp"
    label = "idp"
    verbose_name = "SSO quốc gia và VNeID (mô phỏng)"
