"""The Front chooses which files of the agency's answer the citizen sees with the public answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mttq_portal.errors import ApplicationError

from ..services.answer_files import answer_files_publish


@login_required
@require_POST
def answer_files_view(request, item_id: int):
    try:
        answer_files_publish(user=request.user, item_id=item_id, public_ids=request.POST.getlist("public"))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The choice of public files was saved."))
    return redirect("workspace-item", item_id=item_id)
