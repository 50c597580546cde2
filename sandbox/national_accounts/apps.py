from django.apps import AppConfig


class NationalAccountsConfig(AppConfig):
    name = "sandbox.national_accounts"
    label = "national_accounts"
    verbose_name = "Tài khoản Cổng Dịch vụ công quốc gia (mô phỏng)"
