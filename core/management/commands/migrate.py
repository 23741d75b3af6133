"""``migrate`` with the same autodetector as makemigrations (so its change check agrees)."""

from django.core.management.commands.migrate import Command as BaseCommand

from core.db.autodetector import TenantAwareAutodetector


class Command(BaseCommand):
    autodetector = TenantAwareAutodetector
