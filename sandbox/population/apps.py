from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "sandbox.population"
    label = "population"
    verbose_name = "CSDL quốc gia về Dân cư (mô phỏng)"
