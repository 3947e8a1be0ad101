"""Lists the active memberships whose role their organisation cannot hold (``organizations.scope.ROLE_KINDS``).

Such a membership grants nothing (``user_scope`` ignores it); an administrator should correct or revoke it.
Exits with status 1 when there is one, so a deployment check can run it.
"""

from django.core.management.base import BaseCommand, CommandError

from organizations.scope import membership_rule_error, memberships_breaking_rules


class Command(BaseCommand):
    help = "List memberships whose role their organisation cannot hold."

    def handle(self, *args, **options):
        count = 0
        for membership in memberships_breaking_rules().iterator():
            count += 1
            problem = membership_rule_error(role=membership.role, organization=membership.organization)
            self.stdout.write(f"{membership.pk}\t{membership.user.username}\t{problem}")
        if count:
            raise CommandError(f"{count} membership(s) break the role rules.")
        self.stdout.write("All memberships hold roles their organisations can hold.")
