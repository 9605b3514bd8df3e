from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "jikim.shipping"
    label = "shipping"
    verbose_name = "주문·배송"
