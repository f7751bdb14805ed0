from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "civicdesk.comments"
    label = "comments"
    verbose_name = "Public comments"

    def ready(self) -> None:
        from civicdesk.moderation import registry
        from civicdesk.servicerequests.extensions import add_tracking_page_section, add_tracking_page_version

        from . import targets
        from .models import Comment
        from .section import tracking_page_section, tracking_page_version_column, tracking_page_version_key

        registry.register(Comment)
        targets.register_service_requests()
        targets.register_meetings()
        add_tracking_page_section(tracking_page_section)
        add_tracking_page_version("comments", tracking_page_version_column, tracking_page_version_key)
