"""The help hub, mounted at /help/."""

from django.urls import path

from . import views

app_name = "content"

urlpatterns = [
    path("", views.hub_page, name="hub"),
    path("topics/", views.topic_list, name="topics"),
    path("topics/<slug:slug>/", views.topic_page, name="topic"),
    path("articles/<slug:slug>/", views.article_page, name="article"),
    path("articles/<slug:slug>/helpful/", views.helpful, name="helpful"),
    path("faq/", views.faq_page, name="faq"),
    path("glossary/", views.glossary_page, name="glossary"),
]
