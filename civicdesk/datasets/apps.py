from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    name = "civicdesk.datasets"
    label = "datasets"
    verbose_name = "Datasets"
