"""The navigation bar is assembled from the apps: each AppConfig may define ``nav_items(scope)``.

This keeps the shell free of imports from the apps and lets every app add its own pages by role.
"""

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100

    @property
    def url(self) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


def nav_items_for(scope) -> list[NavItem]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        provider = getattr(config, "nav_items", None)
        if callable(provider):
            items.extend(provider(scope))
    return sorted((item for item in items if item.url), key=lambda item: item.order)
