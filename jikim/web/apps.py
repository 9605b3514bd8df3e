from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jikim.web"
    label = "web"
    verbose_name = "화면"
