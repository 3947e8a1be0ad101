"""Data: the old token flags become scopes. "figures" reads figures; "items" read figures and items; the
Open311 submit flag becomes ``open311:submit``. No token gains a write scope: an administrator grants it."""

from django.db import migrations


def forward(apps, schema_editor):
    ApiToken = apps.get_model("organizations", "ApiToken")
    for token in ApiToken.objects.all().only("id", "scope", "can_submit"):
        scopes = ["figures"]
        if token.scope == "items":
            scopes.append("items")
        if token.can_submit:
            scopes.append("open311:submit")
        ApiToken.objects.filter(pk=token.pk).update(scopes=scopes)


def backward(apps, schema_editor):
    ApiToken = apps.get_model("organizations", "ApiToken")
    for token in ApiToken.objects.all().only("id", "scopes"):
        scopes = token.scopes or []
        ApiToken.objects.filter(pk=token.pk).update(
            scope="items" if "items" in scopes else "figures", can_submit="open311:submit" in scopes
        )


class Migration(migrations.Migration):
    dependencies = [("organizations", "0003_service_accounts_and_token_scopes")]

    operations = [migrations.RunPython(forward, backward)]
