from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("staff/messages/", views.queue, name="queue"),
    path("staff/messages/conversation/<int:pk>/", views.conversation_detail, name="conversation"),
    path("staff/messages/conversation/<int:pk>/take/", views.conversation_take, name="take"),
    path("staff/messages/conversation/<int:pk>/reply/", views.conversation_reply, name="reply"),
    path("staff/messages/conversation/<int:pk>/file/", views.conversation_file, name="file"),
    path("staff/messages/conversation/<int:pk>/close/", views.conversation_close, name="close"),
    path("staff/messages/email/<int:pk>/", views.email_report, name="email_report"),
    path("staff/messages/photo/<int:pk>/", views.photo, name="photo"),
    path("conversations/social/<slug:platform>/", views.social_webhook, name="social_webhook"),
]
