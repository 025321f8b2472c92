"""Register (花名册) pages: download the template, upload, preview the check, commit.

Only community admins (and superusers) use them. The work is in `residents_import.py`; these views
choose the community, pass the file and show the result.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from fangxian.core.scope import Reach, scope_of

from . import residents_import
from .models import Community, ResidentsImport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_PER_PAGE = 100
ROWS_PER_PAGE = 100  # rows of each group of the preview (added, changed, unchanged, left out) per page
PLAN_GROUPS = ("added", "changed", "unchanged", "removed")


def _admin_scope(request):
    scope = scope_of(request)
    scope.require(scope.is_admin)
    return scope


def _communities(scope):
    return scope.communities(Community.objects.all(), Reach.RUN)


def _uploads(scope):
    return scope.filter(ResidentsImport.objects.all(), for_write=True)


class ResidentsImportForm(forms.Form):
    community = forms.ModelChoiceField(queryset=Community.objects.none(), label=gettext_lazy("Community"),
                                       empty_label=None)
    file = forms.FileField(label=gettext_lazy("Register file (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX}))

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.filter(pk__in=[c.pk for c in communities])
        self.only = communities[0] if len(communities) == 1 else None
        if self.only is not None:
            # One community: nothing to choose.
            self.fields["community"].initial = self.only
            self.fields["community"].required = False
            self.fields["community"].widget = forms.HiddenInput()

    def clean_community(self):
        return self.cleaned_data.get("community") or self.only

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > residents_import.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; split the register into several files.")
                % {"mb": residents_import.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


@login_required
def residents_import_upload(request):
    scope = _admin_scope(request)
    communities = list(_communities(scope).select_related("subdistrict"))
    if request.method == "POST":
        form = ResidentsImportForm(request.POST, request.FILES, communities=communities)
        if form.is_valid():
            upload = residents_import.residents_import_upload_check(
                community=form.cleaned_data["community"],
                user=request.user,
                uploaded_file=form.cleaned_data["file"],
                original_name=form.cleaned_data["file"].name,
            )
            return redirect("registry:residents_import_preview", pk=upload.pk)
    else:
        form = ResidentsImportForm(communities=communities)
    recent = _uploads(scope).select_related("community", "uploaded_by")[:20]
    return render(request, "registry/residents_import_upload.html", {
        "form": form,
        "recent": recent,
        "many_communities": len(communities) > 1,
        "columns": residents_import.REGISTER_COLUMNS,
    })


@login_required
def residents_import_template(request):
    _admin_scope(request)
    response = HttpResponse(residents_import.residents_import_template(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "花名册模板.xlsx")
    return response


@login_required
def residents_import_preview(request, pk: int):
    scope = _admin_scope(request)
    upload = get_object_or_404(_uploads(scope).select_related("community", "uploaded_by"), pk=pk)
    if request.method == "POST" and "discard" in request.POST:
        residents_import.residents_import_discard(upload=upload)
        messages.info(request, _("The upload was discarded and its file deleted."))
        return redirect("registry:residents_import_upload")
    page = Paginator(upload.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    plan = upload.plan or {}
    counts = {group: plan.get("counts", {}).get(group, 0) for group in PLAN_GROUPS}
    checked = (
        upload.status == ResidentsImport.Status.CHECKED and upload.error_count == 0 and bool(upload.file)
        and upload.row_count > 0
    )
    return render(request, "registry/residents_import_preview.html", {
        "upload": upload,
        "page": page,
        "checked": checked,
        "committable": checked and bool(counts["added"] or counts["changed"]),
        "counts": counts,
        "groups": _plan_pages(request, plan, counts) if checked else {},
        "errors_truncated": upload.error_count > len(upload.errors),
    })


def _plan_pages(request, plan: dict, counts: dict) -> dict:
    """Each group of the preview, paged on its own (?added=2): its page, and how many are not stored."""
    groups = {}
    for group in PLAN_GROUPS:
        rows = plan.get(group, [])
        groups[group] = {
            "page": Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get(group)),
            "count": counts[group],
            "not_kept": counts[group] - len(rows),
        }
    return groups


@login_required
@require_POST
def residents_import_commit(request, pk: int):
    scope = _admin_scope(request)
    upload = get_object_or_404(_uploads(scope).select_related("community"), pk=pk)
    if upload.status != ResidentsImport.Status.CHECKED or upload.error_count:
        messages.error(request, _("This register cannot be imported: it has errors or was already handled."))
        return redirect("registry:residents_import_preview", pk=upload.pk)
    try:
        applied = residents_import.residents_import_apply(upload_or_file=upload, community=upload.community,
                                                          user=request.user, scope=scope)
    except residents_import.ResidentsImportRejected as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("registry:residents_import_preview", pk=upload.pk)
    messages.success(request, " ".join((
        ngettext("%(count)d person imported.", "%(count)d people imported.", applied.added)
        % {"count": applied.added},
        ngettext("%(count)d person updated.", "%(count)d people updated.", applied.changed)
        % {"count": applied.changed},
    )))
    return redirect("registry:residents_import_upload")
