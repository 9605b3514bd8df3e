from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "jikim.disclosures"
    label = "disclosures"
    verbose_name = "제3자 제공·유출 대장"
