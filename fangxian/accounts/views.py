from django.contrib.auth import views as auth_views
from django.http import Http404

login_view = auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True)
logout_view = auth_views.LogoutView.as_view()


def token_list(request):
    raise Http404


token_revoke = token_list
