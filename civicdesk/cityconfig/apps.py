from django.apps import AppConfig


class CityConfigConfig(AppConfig):
    name = "civicdesk.cityconfig"
    label = "cityconfig"
    verbose_name = "City configuration files and catalogue migration"
