from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .models import ApiToken

login_view = auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True)
logout_view = auth_views.LogoutView.as_view()


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    """The user's own API tokens; a POST with a name makes one and shows its key once."""
    new_key, new_token, errors, name = None, None, [], ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            new_token, new_key = services.token_create(user=request.user, name=name)
            name = ""
        except ValidationError as error:
            errors = error.messages
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/token_list.html", {
        "tokens": tokens, "new_key": new_key, "new_token": new_token, "errors": errors, "name": name,
    }, status=422 if errors else 200)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(user=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked: it no longer works.") % {"name": token.name})
    return redirect("accounts:token_list")

