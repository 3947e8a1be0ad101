from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import PortalAuthenticationForm
from .selectors import commune_search


class PortalLoginView(auth_views.LoginView):
    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = True


class PortalPasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"


@require_GET
def commune_search_view(request):
    """Accent-insensitive commune picker ("muong phang" finds "Mường Phăng"); an htmx fragment or a page."""
    query = request.GET.get("q", "")[:100]
    communes = commune_search(query=query).only("id", "name")[:50]
    template = (
        "organizations/_commune_options.html"
        if request.headers.get("HX-Request")
        else "organizations/commune_search.html"
    )
    return render(request, template, {"communes": communes, "query": query})
