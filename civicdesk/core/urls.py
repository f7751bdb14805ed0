from django.urls import path

from . import pages, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("places/nearest.json", views.nearest_address, name="nearest_address"),
    path("help/using-this-site/", pages.help_page, name="help"),
    path("contact/", pages.contact, name="contact"),
    path("privacy/", pages.privacy, name="privacy"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("terms/", pages.terms, name="terms"),
    path("robots.txt", pages.robots_txt, name="robots"),
    path("sitemap.xml", pages.sitemap_xml, name="sitemap"),
    path("manifest.webmanifest", pages.manifest, name="manifest"),
    path("favicon.ico", pages.favicon, name="favicon"),
]
