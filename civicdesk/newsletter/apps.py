from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "civicdesk.newsletter"
    label = "newsletter"
    verbose_name = "Newsletter"
