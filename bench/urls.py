"""The product's URLs plus the bare-insert view (config.settings.bench only)."""

from django.urls import path

from config.urls import urlpatterns as product_urlpatterns

from .bare import bare_intake

urlpatterns = [path("bench/bare/", bare_intake, name="bench-bare"), *product_urlpatterns]
