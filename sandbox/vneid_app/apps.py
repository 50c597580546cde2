from django.apps import AppConfig


class VneidAppConfig(AppConfig):
    name = "sandbox.vneid_app"
    label = "vneid_app"
    verbose_name = "Ứng dụng VNeID (mô phỏng)"
