"""``makemigrations`` that adds Row-Level Security to new tenant tables automatically."""

from django.core.management.commands.makemigrations import Command as BaseCommand

from core.db.autodetector import TenantAwareAutodetector


class Command(BaseCommand):
    autodetector = TenantAwareAutodetector
