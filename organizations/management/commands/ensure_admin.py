import secrets

from django.core.management.base import BaseCommand

from organizations.models import Role, User
from organizations.selectors import portal_province
from organizations.services import staff_user_create


class Command(BaseCommand):
    help = "Create a first administrator with a random password printed once, unless one exists."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An administrator exists already; log in with its account.")
            return
        password = secrets.token_urlsafe(12)
        province = portal_province()
        front = province.organizations.filter(kind="front_committee").first() if province else None
        staff_user_create(username=username, password=password, organization=front, role=Role.ADMINISTRATOR)
        self.stdout.write(self.style.SUCCESS("First administrator created. This password is shown only once:"))
        self.stdout.write(f"  username: {username}\n  password: {password}")
