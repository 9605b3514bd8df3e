from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "jikim.policy"
    label = "policy"
    verbose_name = "개인정보처리방침"
