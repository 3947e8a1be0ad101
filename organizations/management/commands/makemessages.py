"""makemessages without fuzzy matching: a guessed translation must never ship silently (the catalogue
test fails on fuzzy entries, so a guess would only create work)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
    msguniq_options = [*makemessages.Command.msguniq_options]
