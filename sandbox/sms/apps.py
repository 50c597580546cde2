from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "sandbox.sms"
    label = "sms"
    verbose_name = "Cổng SMS (mô phỏng)"
